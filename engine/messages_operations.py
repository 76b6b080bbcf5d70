"""Catalogue texts (French, English) for the operations commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- account import: the file -------------------------------------------
    "invalid.import_file": (
        "Fichier illisible ({path}) : {detail}",
        "Unreadable file ({path}): {detail}",
    ),
    "invalid.import_columns": (
        "Fichier CSV : colonne(s) manquante(s) {missing} ; l'en-tête doit nommer "
        "nir,birth_date,email,mobile et, si besoin, password_hash.",
        "CSV file: missing column(s) {missing}; the header must name "
        "nir,birth_date,email,mobile and, if needed, password_hash.",
    ),
    "invalid.import_unknown_column": (
        "Fichier CSV : colonne inconnue « {column} » (colonnes possibles : "
        "nir,birth_date,email,mobile,password_hash).",
        "CSV file: unknown column '{column}' (possible columns: "
        "nir,birth_date,email,mobile,password_hash).",
    ),
    # --- account import: a row ----------------------------------------------
    "invalid.import_row_fields": (
        "{count} champ(s) au lieu de {expected} (une valeur qui contient le séparateur, "
        "comme un password_hash, doit être entre guillemets).",
        "{count} field(s) instead of {expected} (a value that holds the separator, such as "
        "a password_hash, must be in double quotes).",
    ),
    "invalid.hash_format": (
        "password_hash n'est pas un hachage argon2 au format PHC "
        "($argon2id$v=19$m=…,t=…,p=…$sel$hachage, sel ≥ 8 octets, hachage ≥ 16 octets).",
        "password_hash is not an argon2 hash in PHC format "
        "($argon2id$v=19$m=…,t=…,p=…$salt$hash, salt ≥ 8 bytes, hash ≥ 16 bytes).",
    ),
    "invalid.hash_type": (
        "password_hash : seuls argon2id et argon2i sont acceptés (argon2d ne convient pas "
        "aux mots de passe).",
        "password_hash: only argon2id and argon2i are accepted (argon2d is not meant for "
        "passwords).",
    ),
    "invalid.hash_cost": (
        "password_hash : paramètres argon2 hors limites (m ≤ 1 Gio, t ≤ 100, p ≤ 64).",
        "password_hash: argon2 parameters out of bounds (m ≤ 1 GiB, t ≤ 100, p ≤ 64).",
    ),
    "import_duplicate_nir": (
        "N° de sécurité sociale déjà présent ligne {first_line}.",
        "Social-security number already on line {first_line}.",
    ),
    "import_duplicate_email": (
        "Adresse email déjà présente ligne {first_line}.",
        "Email address already on line {first_line}.",
    ),
    # --- account import: the outcome ----------------------------------------
    "import_refused": (
        "Import arrêté : {refused} ligne(s) refusée(s), {imported} compte(s) importé(s). "
        "Corrigez le fichier, ou importez les lignes valides avec --on-error skip.",
        "Import stopped: {refused} row(s) refused, {imported} account(s) imported. "
        "Fix the file, or import the valid rows with --on-error skip.",
    ),
    "import_incomplete": (
        "{refused} ligne(s) refusée(s) et ignorée(s).",
        "{refused} row(s) refused and skipped.",
    ),
    "import_interrupted": (
        "Import interrompu : {imported} compte(s) importé(s) et enregistré(s) avant "
        "l'interruption ; les lignes suivantes ne l'ont pas été.",
        "Import interrupted: {imported} account(s) imported and committed before the "
        "interruption; the rows after them were not.",
    ),
    "import.dry_run_refused": (
        "Simulation : {refused} ligne(s) refusée(s) ; rien n'a été écrit.",
        "Dry run: {refused} row(s) refused; nothing was written.",
    ),
    "import.done": (
        "{imported} compte(s) importé(s) sur {rows} ligne(s).",
        "{imported} account(s) imported out of {rows} row(s).",
    ),
    "import.dry_run": (
        "Simulation : {valid} ligne(s) valide(s) sur {rows}, rien n'a été écrit.",
        "Dry run: {valid} valid row(s) out of {rows}, nothing was written.",
    ),
    "import.refused_rows": ("Lignes refusées :", "Refused rows:"),
    "import.phase.check": ("Vérification", "Checking"),
    "import.phase.import": ("Import", "Importing"),
    # --- account export ------------------------------------------------------
    "invalid.export_format": (
        "Choisissez --csv ou --json, pas les deux.",
        "Choose --csv or --json, not both.",
    ),
    # --- policy check ---------------------------------------------------------
    "policy_findings": (
        "{count} réglage(s) en deçà des références (sesame policy check).",
        "{count} setting(s) weaker than the references (sesame policy check).",
    ),
    "policy.none": (
        "Aucun réglage en deçà des références (OWASP ASVS 4.0.3, NIST SP 800-63B).",
        "No setting weaker than the references (OWASP ASVS 4.0.3, NIST SP 800-63B).",
    ),
    "policy.findings": ("Écarts :", "Findings:"),
    "policy.accepted": (
        "Écarts assumés (exigés par la procédure) :",
        "Deliberate deviations (required by the procedure):",
    ),
    "policy.sms_code_ttl": (
        "Le mot de passe temporaire envoyé par SMS reste valable plus de 10 minutes.",
        "The temporary password sent by SMS stays valid for more than 10 minutes.",
    ),
    "policy.email_link_ttl": (
        "Le lien envoyé par email reste valable plus d'une heure.",
        "The link sent by email stays valid for more than an hour.",
    ),
    "policy.email_link_ttl.accepted": (
        "Le lien email vit plus de 10 minutes : un email peut arriver avec plusieurs minutes "
        "de retard (greylisting). L'email n'est pas un authentifiant hors bande (NIST "
        "§5.1.3.1) : le lien est un jeton de récupération de 256 bits, à usage unique, "
        "remplacé par toute nouvelle demande.",
        "The email link lives longer than 10 minutes: an email may arrive minutes late "
        "(greylisting). Email is not an out-of-band authenticator (NIST §5.1.3.1): the link "
        "is a 256-bit recovery token, single use, replaced by any newer request.",
    ),
    "policy.temporary_password_entropy": (
        "Le mot de passe temporaire a moins de 20 bits d'entropie.",
        "The temporary password has fewer than 20 bits of entropy.",
    ),
    "policy.link_token_entropy": (
        "Le jeton du lien email a moins de 20 bits d'entropie.",
        "The email link's token has fewer than 20 bits of entropy.",
    ),
    "policy.failed_attempts": (
        "Plus de 100 mots de passe faux par heure sont possibles sur un compte "
        "(max_failed_attempts × 3600 / lock_seconds).",
        "More than 100 wrong passwords per hour are possible on one account "
        "(max_failed_attempts × 3600 / lock_seconds).",
    ),
    "policy.code_attempts": (
        "Plus de 100 essais du mot de passe temporaire par jour sont possibles "
        "(max_code_attempts × max_codes_per_day).",
        "More than 100 guesses at the temporary password per day are possible "
        "(max_code_attempts × max_codes_per_day).",
    ),
    "policy.identity_failures": (
        "Plus de 10 échecs de n° de sécurité sociale + date de naissance sont tolérés "
        "avant le premier délai.",
        "More than 10 failed social-security number + date of birth checks are allowed "
        "before the first delay.",
    ),
    "policy.argon2_memory": (
        "argon2 utilise moins de 19 Mio de mémoire.",
        "argon2 uses less than 19 MiB of memory.",
    ),
    "policy.argon2_time": (
        "argon2 fait moins de 2 passes.",
        "argon2 makes fewer than 2 passes.",
    ),
    "policy.password_min_length": (
        "Les mots de passe peuvent compter moins de 8 caractères.",
        "Passwords may be shorter than 8 characters.",
    ),
    "policy.password_recommended_length": (
        "Les mots de passe peuvent compter moins de 12 caractères (recommandé : 12).",
        "Passwords may be shorter than 12 characters (recommended: 12).",
    ),
    "policy.password_history": (
        "Un nouveau mot de passe peut reprendre l'un des 4 derniers du compte.",
        "A new password may be one of the account's last 4.",
    ),
    "policy.passwords": ("Nouveaux mots de passe :", "New passwords:"),
    "policy.passwords.history": (
        "historique : aucun des {history} derniers mots de passe du compte "
        "(password_history = {history}), soit {history} vérifications argon2 au plus par "
        "changement.",
        "history: none of the account's last {history} passwords "
        "(password_history = {history}), so at most {history} argon2 verifications per "
        "change.",
    ),
    "policy.passwords.history_off": (
        "historique : désactivé (password_history = 0), un ancien mot de passe peut revenir.",
        "history: off (password_history = 0), an old password may come back.",
    ),
    "policy.passwords.blocklist": (
        "liste de refus : les 30 000 mots de passe courants du paquet zxcvbn, et tout mot de "
        "passe contenant {words}.",
        "blocklist: the 30,000 common passwords of the zxcvbn package, and any password "
        "containing {words}.",
    ),
    "policy.passwords.file": (
        "liste de l'exploitant (password_blocklist) : {path}, {format}.",
        "operator's list (password_blocklist): {path}, {format}.",
    ),
    "policy.passwords.no_file": (
        "liste de l'exploitant (password_blocklist) : aucune.",
        "operator's list (password_blocklist): none.",
    ),
    "policy.passwords.format.plain": (
        "texte, un mot de passe par ligne (lu en entier à chaque vérification)",
        "plain text, one password per line (read through at each check)",
    ),
    "policy.passwords.format.hibp": (
        "empreintes SHA-1 Have I Been Pwned triées (recherche dichotomique)",
        "sorted Have I Been Pwned SHA-1 hashes (binary search)",
    ),
    "policy.codes_per_day": (
        "Plus de 10 envois de code par compte et par 24 h : SMS et emails en rafale possibles.",
        "More than 10 codes sent per account per 24 h: bursts of SMS and emails are possible.",
    ),
    "policy.resend_cooldown": (
        "Moins de 30 secondes entre deux envois de code au même compte.",
        "Less than 30 seconds between two codes sent to the same account.",
    ),
    "policy.notify_on_password_change": (
        "Le membre n'est pas prévenu quand son mot de passe change.",
        "The member is not told when their password changes.",
    ),
    "policy.notify_on_channel_change": (
        "Le membre n'est pas prévenu quand son téléphone ou son email change.",
        "The member is not told when their phone or email changes.",
    ),
    "policy.notify_on_lock": (
        "Le membre n'est pas prévenu quand ses identifiants sont bloqués.",
        "The member is not told when their credentials are locked.",
    ),
    "policy.sms_channel.accepted": (
        "Un mot de passe temporaire part en clair par SMS (authentifiant « restreint » pour "
        "le NIST). Il ne va qu'au portable enregistré (possession), vit {ttl} s, sert une "
        "seule fois et seulement à choisir un nouveau mot de passe ; {attempts} essais par "
        "envoi, {per_day} envois par 24 h, {cooldown} s entre deux envois.",
        "A temporary password is sent in clear by SMS (a 'restricted' authenticator for "
        "NIST). It goes only to the registered mobile (possession), lives {ttl} s, is single "
        "use and only leads to choosing a new password; {attempts} guesses per code, "
        "{per_day} codes per 24 h, {cooldown} s between two codes.",
    ),
    "policy.identity_gate.accepted": (
        "Le n° de sécurité sociale et la date de naissance sont des informations connues "
        "(le NIR contient déjà l'année et le mois de naissance) : ils n'authentifient pas. "
        "Ils décident seulement d'envoyer un secret au canal enregistré du membre, jamais à "
        "un canal saisi ; après {failures} échecs, un délai qui double à chaque nouvel échec, "
        "réponse identique quelle que soit l'erreur.",
        "The social-security number and date of birth are known facts (the NIR already "
        "holds the year and month of birth): they authenticate nothing. They only decide to "
        "send a secret to the member's registered channel, never to a typed one; after "
        "{failures} failures, a delay that doubles at each further one, the same answer "
        "whatever was wrong.",
    ),
    "policy.lockout": (
        "Pire blocage qu'un inconnu connaissant le NIR (mais pas la date de naissance) peut "
        "provoquer :",
        "Worst lock-out a stranger who knows a NIR (but not the date of birth) can cause:",
    ),
    "policy.lockout.login_until_recovery": (
        "connexion : {failures} mots de passe faux bloquent les identifiants jusqu'à une "
        "récupération ou un déblocage par le support (lock_seconds = 0).",
        "login: {failures} wrong passwords lock the credentials until a recovery or a support "
        "unlock (lock_seconds = 0).",
    ),
    "policy.lockout.login": (
        "connexion : {failures} mots de passe faux bloquent les identifiants {seconds} s, "
        "et l'inconnu peut recommencer à chaque fin de blocage.",
        "login: {failures} wrong passwords lock the credentials for {seconds} s, and the "
        "stranger can start again each time the lock ends.",
    ),
    "policy.lockout.recovery": (
        "récupération : {failures} dates de naissance fausses ferment la vérification "
        "d'identité pour un délai de {first_delay_seconds} s ; chaque nouvel échec à la fin "
        "d'un délai double celui-ci, jusqu'à {max_delay_seconds} s. En échouant à chaque fin "
        "de délai, l'inconnu la garde fermée sans interruption avec {failures_first_day} "
        "échecs les premières 24 h, puis "
        "{failures_per_day} par 24 h. Le support lève le délai (sesame account unlock).",
        "recovery: {failures} wrong dates of birth close the identity check for "
        "{first_delay_seconds} s; each further failure after a delay doubles it, up to "
        "{max_delay_seconds} s. Failing again as each delay ends, the stranger keeps it closed "
        "without a break with {failures_first_day} failures in the first 24 h, then "
        "{failures_per_day} per 24 h. Support lifts the delay (sesame account unlock).",
    ),
    # --- db copy ------------------------------------------------------------
    "target_not_empty": (
        "La base cible contient déjà des données ({accounts} compte(s), {flows} demande(s), "
        "{audit_events} événement(s) d'audit, {outbox} message(s)) : sesame db copy n'écrit "
        "que dans une base vide. Choisissez une autre cible, ou videz-la d'abord.",
        "The target database already holds data ({accounts} account(s), {flows} flow(s), "
        "{audit_events} audit event(s), {outbox} message(s)): sesame db copy only writes "
        "into an empty database. Choose another target, or empty it first.",
    ),
    "storage.copy_count_mismatch": (
        "Copie incomplète : la table {table} compte {source} ligne(s) dans la source et "
        "{target} dans la cible. Videz la cible et recommencez.",
        "Incomplete copy: table {table} holds {source} row(s) in the source and {target} in "
        "the target. Empty the target and start again.",
    ),
    "copy.table": ("Copie de {table}", "Copying {table}"),
    "copy.done": (
        "{rows} ligne(s) copiée(s), comptes vérifiés des deux côtés.",
        "{rows} row(s) copied, counts checked on both sides.",
    ),
}
