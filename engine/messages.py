"""The message catalogue: every text a person reads, in French and English,
keyed by stable codes. French follows the insurer's published procedure."""

from __future__ import annotations

from collections.abc import Mapping

from engine import messages_delivery, messages_operations, messages_support

LANGS = ("fr", "en")

_T: dict[str, tuple[str, str]] = {
    # --- refusals (keyed by SesameError.code) ------------------------------
    "auth_failed": (
        "Identifiant ou mot de passe incorrect.",
        "Wrong identifier or password.",
    ),
    "account_locked": (
        "Après {max_failed_attempts} tentatives infructueuses, vos identifiants sont bloqués.\n"
        "Débloquez votre compte : sesame unlock {ident} --dob jj/mm/aaaa",
        "After {max_failed_attempts} failed attempts your credentials are locked.\n"
        "Unlock your account: sesame unlock {ident} --dob dd/mm/yyyy",
    ),
    "account_disabled": (
        "Votre compte est désactivé. Contactez le support.",
        "Your account is disabled. Please contact support.",
    ),
    "identity_mismatch": (
        "Les informations saisies ne permettent pas de vous identifier. "
        "Vérifiez votre identifiant et votre date de naissance.",
        "The information given does not identify an account. "
        "Check your identifier and your date of birth.",
    ),
    "account_not_locked": (
        "Votre compte n'est pas bloqué.\n"
        "Si vous avez oublié votre mot de passe : sesame forgot {ident} --dob jj/mm/aaaa",
        "Your account is not locked.\n"
        "If you forgot your password: sesame forgot {ident} --dob dd/mm/yyyy",
    ),
    "account_exists": (
        "Un compte existe déjà avec ce n° de sécurité sociale ou cette adresse email.",
        "An account already exists with this social-security number or email address.",
    ),
    "no_channel": (
        "Aucun téléphone portable ni adresse email n'est connu pour votre compte. "
        "Contactez le support.",
        "No mobile phone or email address is known for your account. Please contact support.",
    ),
    "channel_unavailable": (
        "Ce canal n'est pas disponible pour votre compte. Seuls les numéros de portable en "
        "France métropolitaine permettent de recevoir un SMS.",
        "This channel is not available for your account. Only mobile numbers of "
        "metropolitan France can receive an SMS.",
    ),
    "no_open_flow": (
        "Aucune demande de déblocage en cours. Recommencez : sesame unlock ou sesame forgot.",
        "No recovery in progress. Start again: sesame unlock or sesame forgot.",
    ),
    "flow_expired": (
        "Votre demande a expiré. Recommencez : sesame unlock ou sesame forgot.",
        "Your request has expired. Start again: sesame unlock or sesame forgot.",
    ),
    "rate_limited": (
        "Trop de tentatives. Réessayez dans {retry_after} secondes.",
        "Too many attempts. Try again in {retry_after} seconds.",
    ),
    "code_invalid": (
        "Mot de passe temporaire ou lien invalide.",
        "Invalid temporary password or link.",
    ),
    "code_expired": (
        "Ce mot de passe temporaire ou ce lien a expiré. Recommencez : sesame unlock ou "
        "sesame forgot.",
        "This temporary password or link has expired. Start again: sesame unlock or sesame forgot.",
    ),
    "code_used": (
        "Ce mot de passe temporaire ou ce lien a déjà été utilisé.",
        "This temporary password or link has already been used.",
    ),
    "too_many_attempts": (
        "Trop d'essais : la demande est annulée. Recommencez : sesame unlock ou sesame forgot.",
        "Too many tries: the request is cancelled. Start again: sesame unlock or sesame forgot.",
    ),
    "password_mismatch": (
        "Les deux mots de passe saisis ne sont pas identiques.",
        "The two passwords do not match.",
    ),
    "weak_password": (
        "Votre nouveau mot de passe est refusé :",
        "Your new password is refused:",
    ),
    "password_change_required": (
        "Vous devez choisir un nouveau mot de passe. Votre mot de passe temporaire reste "
        "valable jusqu'à son expiration : sesame reset {ident}",
        "You must choose a new password. Your temporary password stays valid until it "
        "expires: sesame reset {ident}",
    ),
    "not_found": ("Compte introuvable.", "No such account."),
    "message_not_found": ("Message introuvable.", "No such message."),
    "storage_unavailable": (
        "Stockage indisponible : {detail}",
        "Storage unavailable: {detail}",
    ),
    "invalid_input": ("Saisie invalide.", "Invalid input."),
    "internal_error": ("Erreur interne : {detail}", "Internal error: {detail}"),
    "access_denied": (
        "Accès refusé : cette commande est réservée au groupe « {group} » (utilisateur {user}).",
        "Access denied: this command is reserved for the group '{group}' (user {user}).",
    ),
    "access.override": (
        "Accès refusé : {option} est réservé au groupe « {group} » sur cette installation "
        "(son sesame.toml a une section [access]) (utilisateur {user}).",
        "Access denied: {option} is reserved for the group '{group}' on this installation "
        "(its sesame.toml has an [access] section) (user {user}).",
    ),
    "missing_input": (
        "Saisie manquante : {what}.",
        "Missing input: {what}.",
    ),
    # --- storage_unavailable reasons (keyed "storage.<reason>") -------------
    "storage.database": (
        "Base de données indisponible : {detail}",
        "Database unavailable: {detail}",
    ),
    "storage.shadow_key": (
        "Clé des identifiants inconnus inutilisable ({detail}) : {path}",
        "Unusable key for unknown identifiers ({detail}): {path}",
    ),
    "storage.driver_missing": (
        "Pilote de base de données absent ({detail}). Pour PostgreSQL : "
        "pip install 'sesame[postgres]'",
        "Database driver missing ({detail}). For PostgreSQL: pip install 'sesame[postgres]'",
    ),
    "storage.not_sesame": (
        "Ce fichier n'est pas une base sesame ({detail}). Vérifiez --db ou SESAME_DB.",
        "This is not a sesame database ({detail}). Check --db or SESAME_DB.",
    ),
    "storage.schema_outdated": (
        "La base est à la révision {current} du schéma, sesame attend {head}. "
        "Mettez-la à jour : sesame db upgrade",
        "The database is at schema revision {current}, sesame expects {head}. "
        "Upgrade it: sesame db upgrade",
    ),
    "storage.schema_newer": (
        "La base est à la révision {current}, plus récente que celle de ce sesame ({head}). "
        "Mettez sesame à jour.",
        "The database is at revision {current}, newer than this sesame knows ({head}). "
        "Upgrade sesame.",
    ),
    "storage.outbox": (
        "Impossible d'écrire dans l'outbox ({detail}). Le changement est enregistré et le "
        "message reste en file d'attente : corrigez puis lancez sesame outbox flush",
        "Cannot write to the outbox ({detail}). The change is saved and the message stays "
        "queued: fix it, then run sesame outbox flush",
    ),
    "storage.path_writable": (
        "{path} est modifiable par d'autres utilisateurs (mode {mode}) : sesame refuse de "
        "s'en servir, car ils pourraient changer ce qu'il y lit ou y écrit. Retirez-leur ce "
        "droit (chmod go-w {path}), puis recommencez.",
        "{path} is writable by other users (mode {mode}): sesame refuses to use it, since they "
        "could change what it reads or writes there. Remove their write access "
        "(chmod go-w {path}), then try again.",
    ),
    "storage.path_owner": (
        "{path} appartient à un autre utilisateur (uid {owner}) : sesame refuse de s'en servir. "
        "Il doit appartenir à l'utilisateur qui lance sesame (ou à root, sauf dans l'outbox).",
        "{path} belongs to another user (uid {owner}): sesame refuses to use it. It must belong "
        "to the user running sesame (or to root, except inside the outbox).",
    ),
    "storage.path_symlink": (
        "{path} est un lien symbolique : sesame n'en suit aucun dans l'outbox. Remplacez-le "
        "par un répertoire ; le message reste en file d'attente, puis lancez sesame outbox flush",
        "{path} is a symbolic link: sesame follows none inside the outbox. Replace it with a "
        "directory; the message stays queued, then run sesame outbox flush",
    ),
    "storage.file_symlink": (
        "{path} est un lien symbolique : sesame refuse de l'ouvrir ou d'en changer les droits.",
        "{path} is a symbolic link: sesame refuses to open it or change its mode.",
    ),
    "storage.path_unchecked": (
        "Impossible de vérifier {path} ({detail}) : sesame refuse de s'en servir.",
        "Cannot check {path} ({detail}): sesame refuses to use it.",
    ),
    "storage.outbox_conflict": (
        "Un autre fichier occupe déjà {path} : le message {id} n'y a pas été écrit et reste en "
        "file d'attente. Vérifiez qui l'a déposé, retirez-le, puis lancez sesame outbox flush",
        "Another file is already at {path}: message {id} was not written and stays queued. "
        "Check who put it there, remove it, then run sesame outbox flush",
    ),
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
    # --- results ------------------------------------------------------------
    "logged_in": ("Connexion réussie", "Logged in"),
    "temporary_password_accepted": (
        "Mot de passe temporaire accepté. Choisissez votre nouveau mot de passe.",
        "Temporary password accepted. Choose your new password.",
    ),
    "code_verified": (
        "Code vérifié. Choisissez votre nouveau mot de passe.",
        "Code verified. Choose your new password.",
    ),
    "password_changed": (
        "Votre mot de passe a été modifié. Vous pouvez accéder à votre Espace personnel.",
        "Your password has been changed. You can access your personal space.",
    ),
    "account_created": ("Compte créé : {nir}", "Account created: {nir}"),
    "account_imported": ("Compte importé : {nir}", "Account imported: {nir}"),
    "auto_channel.sms": (
        "Seul votre téléphone portable est connu : il a été utilisé automatiquement.",
        "Only your mobile phone is known: it was used automatically.",
    ),
    "auto_channel.email": (
        "Seule votre adresse email est connue : elle a été utilisée automatiquement.",
        "Only your email address is known: it was used automatically.",
    ),
    "code_sent.sms": (
        "Un SMS contenant un mot de passe temporaire a été envoyé au {destination}. "
        "Il est valable jusqu'à {expires}.\n"
        "Connectez-vous avec votre n° de sécurité sociale et ce mot de passe : sesame login "
        "{ident}\n"
        "Si vous ne recevez aucun SMS, refaites l'opération en choisissant l'adresse email : "
        "sesame send-code {flow} --channel email",
        "An SMS with a temporary password was sent to {destination}. It is valid until "
        "{expires}.\n"
        "Log in with your social-security number and this password: sesame login {ident}\n"
        "If no SMS arrives, do it again choosing email: sesame send-code {flow} --channel email",
    ),
    "code_sent.email": (
        "Un email contenant un lien pour changer de mot de passe a été envoyé à "
        "{destination}. Il est valable jusqu'à {expires}.\n"
        "Cliquez sur le lien, ou : sesame reset --token -",
        "An email with a link to change your password was sent to {destination}. "
        "It is valid until {expires}.\n"
        "Click the link, or: sesame reset --token -",
    ),
    "choose_channel": (
        "Choisissez comment vous souhaitez recevoir vos identifiants de connexion :",
        "Choose how you want to receive your sign-in details:",
    ),
    "choose_channel.sms": ("Au {destination}", "By SMS to {destination}"),
    "choose_channel.email": ("A {destination}", "By email to {destination}"),
    "choose_channel.command": (
        "Puis : sesame send-code {flow} --channel sms|email",
        "Then: sesame send-code {flow} --channel sms|email",
    ),
    "choose_channel.prompt": (
        "Votre choix [1-{count}] : ",
        "Your choice [1-{count}]: ",
    ),
    "messages_flushed": (
        "{count} message(s) délivré(s).",
        "{count} message(s) delivered.",
    ),
    "schema_upgraded": (
        "Schéma de la base à jour (révision {revision}).",
        "Database schema up to date (revision {revision}).",
    ),
    # --- prompts --------------------------------------------------------------
    "prompt.password": ("Mot de passe : ", "Password: "),
    "prompt.temporary_password": (
        "Mot de passe temporaire (reçu par SMS) : ",
        "Temporary password (from the SMS): ",
    ),
    "prompt.token": (
        "Lien ou jeton reçu par email : ",
        "Link or token from the email: ",
    ),
    "prompt.new_password": (
        "Votre nouveau mot de passe : ",
        "Your new password: ",
    ),
    "prompt.confirm_password": (
        "Confirmez votre nouveau mot de passe : ",
        "Confirm your new password: ",
    ),
    # --- what the member receives ---------------------------------------------
    "sms.temporary_password": (
        "{organization} - votre mot de passe temporaire :\n{code}\n"
        "Valable {minutes} min. Utilisez-le avec votre n° de sécurité sociale. "
        "Ne le communiquez à personne.",
        "{organization} - your temporary password:\n{code}\n"
        "Valid for {minutes} min. Use it with your social-security number. "
        "Never share it.",
    ),
    "email.reset.subject": (
        "{organization} : changez votre mot de passe",
        "{organization}: change your password",
    ),
    "email.reset.body": (
        "Bonjour,\n\nVous avez demandé à débloquer votre compte ou à changer votre mot de "
        "passe. Cliquez sur le lien ci-dessous pour enregistrer un nouveau mot de passe "
        "(valable {minutes} minutes, utilisable une seule fois) :\n\n{link}\n\n"
        "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n"
        "{organization}\n",
        "Hello,\n\nYou asked to unlock your account or to change your password. Click the "
        "link below to set a new password (valid for {minutes} minutes, single use):\n\n"
        "{link}\n\nIf you did not ask for this, ignore this message.\n\n{organization}\n",
    ),
    "email.locked.subject": (
        "{organization} : vos identifiants sont bloqués",
        "{organization}: your credentials are locked",
    ),
    "email.locked.body": (
        "Bonjour,\n\nAprès {max_failed_attempts} tentatives infructueuses, vos identifiants "
        "sont bloqués.\nPour débloquer votre compte, indiquez votre n° de sécurité sociale et "
        "votre date de naissance dans « Débloquez votre compte ».\n\n"
        "Si vous n'êtes pas à l'origine de ces tentatives, contactez le support.\n\n"
        "{organization}\n",
        "Hello,\n\nAfter {max_failed_attempts} failed attempts your credentials are locked.\n"
        "To unlock your account, give your social-security number and your date of birth "
        'in "Unlock your account".\n\n'
        "If these attempts were not yours, please contact support.\n\n{organization}\n",
    ),
    "email.channels_changed.subject": (
        "{organization} : vos moyens de contact ont été modifiés",
        "{organization}: your contact details were changed",
    ),
    "email.channels_changed.body": (
        "Bonjour,\n\nLe téléphone portable ou l'adresse email de votre Espace personnel vient "
        "d'être modifié par le support. Les demandes de déblocage en cours sont annulées.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, contactez le support sans "
        "attendre.\n\n{organization}\n",
        "Hello,\n\nThe mobile phone or email address of your personal space has just been "
        "changed by support. Recoveries in progress are cancelled.\n\n"
        "If you did not ask for this change, contact support at once.\n\n{organization}\n",
    ),
    "email.password_changed.subject": (
        "{organization} : votre mot de passe a été modifié",
        "{organization}: your password was changed",
    ),
    "email.password_changed.body": (
        "Bonjour,\n\nLe mot de passe de votre Espace personnel vient d'être modifié.\n\n"
        "Si vous n'êtes pas à l'origine de ce changement, contactez le support sans "
        "attendre.\n\n{organization}\n",
        "Hello,\n\nThe password of your personal space has just been changed.\n\n"
        "If you did not make this change, contact support at once.\n\n{organization}\n",
    ),
}

_T.update(messages_support.TEXTS)
_T.update(messages_delivery.TEXTS)
_T.update(messages_operations.TEXTS)

REDACTED = "[secret retiré après envoi]"
# Codes whose message depends on a finer reason.
_REASON_PREFIX = {
    "invalid_input": "invalid",
    "storage_unavailable": "storage",
    "access_denied": "access",
}


def text(key: str, lang: str, params: Mapping[str, object] | None = None) -> str:
    """The catalogue text for `key` in `lang`, filled with `params`."""
    fr, en = _T[key]
    template = en if lang == "en" else fr
    return template.format(**params) if params else template


def has(key: str) -> bool:
    return key in _T


def error_message(code: str, reason: str | None, params: Mapping[str, object], lang: str) -> str:
    """The message for a refusal, including every reason of a weak password."""
    prefix = _REASON_PREFIX.get(code)
    key = f"{prefix}.{reason}" if prefix and reason else code
    if not has(key):
        key = "internal_error"
        params = {"detail": code if reason is None else f"{code}: {reason}"}
    message = text(key, lang, _with_defaults(params))
    if code == "weak_password":
        reasons = params.get("reasons", ())
        assert isinstance(reasons, tuple)
        lines = [text(f"weak.{r}", lang, params) for r in reasons]
        message += "".join(f"\n- {line}" for line in lines)
    return message


def _with_defaults(params: Mapping[str, object]) -> dict[str, object]:
    values: dict[str, object] = {"ident": "<identifiant>", "detail": "", "what": ""}
    values.update(params)
    return values
