"""Catalogue texts (French, English) for what a user typed wrong: invalid_input,
keyed "invalid.<reason>", and a weak password's reasons ("weak.<reason>");
merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- invalid_input reasons (keyed "invalid.<reason>") ------------------
    "invalid.nir_length": (
        "N° de sécurité sociale invalide : 15 caractères attendus, {length} saisis.",
        "Invalid social-security number: 15 characters expected, {length} given.",
    ),
    "invalid.nir_format": (
        "N° de sécurité sociale invalide : seuls les chiffres (et 2A/2B pour la Corse) sont "
        "acceptés.",
        "Invalid social-security number: only digits (and 2A/2B for Corsica) are accepted.",
    ),
    "invalid.nir_key": (
        "N° de sécurité sociale invalide : la clé ne correspond pas.",
        "Invalid social-security number: the check key does not match.",
    ),
    "invalid.nir_sex": (
        "N° de sécurité sociale invalide : le premier chiffre doit être 1, 2, 3, 4, 7 ou 8.",
        "Invalid social-security number: the first digit must be 1, 2, 3, 4, 7 or 8.",
    ),
    "invalid.nir_month": (
        "N° de sécurité sociale invalide : mois de naissance impossible.",
        "Invalid social-security number: impossible month of birth.",
    ),
    "invalid.nir_department": (
        "N° de sécurité sociale invalide : département de naissance impossible.",
        "Invalid social-security number: impossible department of birth.",
    ),
    "invalid.nir_serial": (
        "N° de sécurité sociale invalide : commune ou numéro d'ordre impossible.",
        "Invalid social-security number: impossible commune or serial number.",
    ),
    "invalid.dob_format": (
        "Date de naissance invalide : format attendu jj/mm/aaaa.",
        "Invalid date of birth: expected format dd/mm/yyyy.",
    ),
    "invalid.dob_invalid_date": (
        "Date de naissance invalide : cette date n'existe pas.",
        "Invalid date of birth: no such date.",
    ),
    "invalid.dob_future": (
        "Date de naissance invalide : elle est dans le futur.",
        "Invalid date of birth: it is in the future.",
    ),
    "invalid.dob_too_old": (
        "Date de naissance invalide : l'année doit être 1900 ou après.",
        "Invalid date of birth: the year must be 1900 or later.",
    ),
    "invalid.dob_nir_year": (
        "La date de naissance ne correspond pas à l'année du n° de sécurité sociale.",
        "The date of birth does not match the year in the social-security number.",
    ),
    "invalid.dob_nir_month": (
        "La date de naissance ne correspond pas au mois du n° de sécurité sociale.",
        "The date of birth does not match the month in the social-security number.",
    ),
    "invalid.phone_format": (
        "N° de téléphone invalide : seuls les chiffres, espaces, points, tirets, parenthèses "
        "et un + initial sont acceptés.",
        "Invalid phone number: only digits, spaces, dots, hyphens, parentheses and a leading "
        "+ are accepted.",
    ),
    "invalid.phone_invalid": (
        "N° de téléphone invalide.",
        "Invalid phone number.",
    ),
    "invalid.email_invalid": (
        "Adresse email invalide : {detail}",
        "Invalid email address: {detail}",
    ),
    "invalid.config_unknown_key": (
        "Configuration : clé inconnue « {key} ».",
        "Configuration: unknown key '{key}'.",
    ),
    "invalid.config_type": (
        "Configuration : « {key} » doit être de type {expected}.",
        "Configuration: '{key}' must be of type {expected}.",
    ),
    "invalid.config_range": (
        "Configuration : « {key} » doit être compris entre {low} et {high}.",
        "Configuration: '{key}' must be between {low} and {high}.",
    ),
    "invalid.config_choice": (
        "Configuration : « {key} » doit valoir {choices}.",
        "Configuration: '{key}' must be one of {choices}.",
    ),
    "invalid.config_length": (
        "Configuration : « {key} » dépasse {high} caractères.",
        "Configuration: '{key}' is longer than {high} characters.",
    ),
    "invalid.config_list": (
        "Configuration : « {key} » doit être une durée ou une liste de 1 à {high} durées.",
        "Configuration: '{key}' must be a duration or a list of 1 to {high} durations.",
    ),
    "invalid.config_text": (
        "Configuration : « {key} » contient un caractère interdit ({char}) : caractères de "
        "contrôle, de mise en forme et séparateurs de ligne ne peuvent pas figurer dans un "
        "message.",
        "Configuration: '{key}' contains a forbidden character ({char}): control, formatting "
        "and line-separator characters cannot go into a message.",
    ),
    "invalid.config_mail_from": (
        "Configuration : « {key} » doit être une seule adresse d'expéditeur, en ASCII, "
        "éventuellement précédée d'un nom ({detail}).",
        "Configuration: '{key}' must be one ASCII sender address, optionally with a name "
        "({detail}).",
    ),
    "invalid.config_url": (
        "Configuration : « {key} » doit être une adresse https:// (http:// seulement pour "
        "localhost) sans identifiants, espaces ni #fragment (ici : {problem}).",
        "Configuration: '{key}' must be an https:// address (http:// only for localhost) "
        "without credentials, spaces or #fragment (here: {problem}).",
    ),
    "invalid.message_unbuildable": (
        "Le message à envoyer ne peut pas être construit ({detail}) : rien n'a été modifié. "
        "Vérifiez organization, mail_from et reset_url dans la configuration.",
        "The message to send cannot be built ({detail}): nothing was changed. Check "
        "organization, mail_from and reset_url in the configuration.",
    ),
    "invalid.config_group_unknown": (
        "Configuration : « {key} » nomme un groupe inconnu du système : {group}.",
        "Configuration: '{key}' names a group the system does not know: {group}.",
    ),
    "invalid.config_blocklist_unreadable": (
        "Configuration : « {key} » : liste de mots de passe interdits illisible ({path}) : "
        "{detail}",
        "Configuration: '{key}': unreadable list of forbidden passwords ({path}): {detail}",
    ),
    "invalid.config_blocklist_malformed": (
        "Configuration : « {key} » : le fichier {path} commence au format Have I Been Pwned "
        "(HASH:NOMBRE) mais la ligne à l'octet {offset} ne l'est pas.",
        "Configuration: '{key}': the file {path} starts in the Have I Been Pwned format "
        "(HASH:COUNT) but the line at byte {offset} does not follow it.",
    ),
    "invalid.config_blocklist_unsorted": (
        "Configuration : « {key} » : le fichier Have I Been Pwned {path} n'est pas trié par "
        "empreinte (ligne à l'octet {offset}) : téléchargez la version triée par empreinte.",
        "Configuration: '{key}': the Have I Been Pwned file {path} is not sorted by hash "
        "(line at byte {offset}): download the version ordered by hash.",
    ),
    "invalid.config_syntax": (
        "Configuration illisible ({path}) : {detail}",
        "Unreadable configuration ({path}): {detail}",
    ),
    "invalid.lang": (
        "Langue inconnue : {lang} (fr ou en).",
        "Unknown language: {lang} (fr or en).",
    ),
    "invalid.token": ("Lien ou jeton invalide.", "Invalid link or token."),
    "invalid.choice": ("Choix invalide.", "Invalid choice."),
    # --- the JSON API's requests (web/api.py) ---------------------------------
    "invalid.content_type": (
        "Requête refusée : le corps doit être un document JSON (Content-Type: application/json).",
        "Request refused: the body must be a JSON document (Content-Type: application/json).",
    ),
    "invalid.body_too_large": (
        "Requête refusée : le corps dépasse {max_bytes} octets.",
        "Request refused: the body is larger than {max_bytes} bytes.",
    ),
    "invalid.json_text": (
        "Requête invalide : le champ « {field} » n'est pas un texte Unicode valide.",
        "Invalid request: the field '{field}' is not valid Unicode text.",
    ),
    "invalid.method": (
        "Requête refusée : la méthode {method} n'est pas acceptée ici ({allowed}).",
        "Request refused: the method {method} is not accepted here ({allowed}).",
    ),
    "invalid.json_body": (
        "Requête invalide : le corps doit être un objet JSON.",
        "Invalid request: the body must be a JSON object.",
    ),
    "invalid.json_field": (
        "Requête invalide : le champ « {field} » est inconnu ou n'est pas un texte.",
        "Invalid request: the field '{field}' is unknown or not a string.",
    ),
    "invalid.channel": (
        "Canal invalide : {channels}.",
        "Invalid channel: {channels}.",
    ),
    "invalid.token_argument": (
        "Le lien ne se donne pas en argument (tout utilisateur de la machine le lirait dans "
        "la liste des processus) : sesame reset --token - puis collez-le, ou passez-le sur "
        "l'entrée standard.",
        "The link is never an argument (any user of the machine could read it in the process "
        "list): run sesame reset --token - and paste it, or pipe it on standard input.",
    ),
    "invalid.stdin_encoding": (
        "Saisie illisible : l'entrée standard n'est pas en UTF-8.",
        "Unreadable input: standard input is not UTF-8.",
    ),
    # --- weak password reasons ---------------------------------------------
    "weak.too_short": (
        "il contient moins de {min_length} caractères",
        "it is shorter than {min_length} characters",
    ),
    "weak.too_long": (
        "il contient plus de 128 caractères",
        "it is longer than 128 characters",
    ),
    "weak.contains_nir": (
        "il contient votre n° de sécurité sociale",
        "it contains your social-security number",
    ),
    "weak.contains_birth_date": (
        "il contient votre date de naissance",
        "it contains your date of birth",
    ),
    "weak.contains_email": (
        "il contient votre adresse email",
        "it contains your email address",
    ),
    "weak.contains_service_name": (
        "il contient le nom du service",
        "it contains the name of the service",
    ),
    "weak.blocklisted": (
        "il figure dans une liste de mots de passe courants ou divulgués",
        "it is on a list of common or breached passwords",
    ),
    "weak.reused": (
        "il fait partie de vos {history} derniers mots de passe",
        "it is one of your last {history} passwords",
    ),
}
