"""Catalogue texts (French, English) for what frames a result: table headers
(`column.<name>`), the labels of `status` and `account show` (`label.<name>`), how
a time is written (`format.datetime`), usage errors of our own options
(`usage.<name>`) and the demo's narration (`demo.<name>`); merged into
engine.messages. The values in the cells (states, events, channels) are codes,
the same in both languages, as the options that take them."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- how a time is written (strftime) ----------------------------------------
    "format.datetime": ("%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"),
    # --- table headers --------------------------------------------------------------
    "column.at": ("date", "at"),
    "column.actor": ("auteur", "actor"),
    "column.system": ("système", "system"),
    "column.source": ("source", "source"),
    "column.nir": ("nir", "nir"),
    "column.event": ("événement", "event"),
    "column.change": ("changement", "change"),
    "column.flow": ("demande", "flow"),
    "column.detail": ("détail", "detail"),
    "column.id": ("id", "id"),
    "column.created": ("créé", "created"),
    "column.channel": ("canal", "channel"),
    "column.to": ("destinataire", "to"),
    "column.status": ("statut", "status"),
    "column.attempts": ("essais", "attempts"),
    "column.last_error": ("dernière erreur", "last error"),
    "column.state": ("état", "state"),
    "column.count": ("nombre", "count"),
    "column.failures": ("échecs", "failures"),
    "column.locked_since": ("bloqué depuis", "locked since"),
    "column.channels": ("canaux", "channels"),
    "column.result": ("résultat", "result"),
    "column.lines": ("lignes", "lines"),
    "column.table": ("Table", "Table"),
    "column.rows": ("Lignes", "Rows"),
    "column.line": ("Ligne", "Line"),
    "column.reason": ("Motif", "Reason"),
    "column.severity": ("Gravité", "Severity"),
    "column.setting": ("Réglage", "Setting"),
    "column.value": ("Valeur", "Value"),
    "column.expected": ("Attendu", "Expected"),
    "column.reference": ("Référence", "Reference"),
    "column.template": ("modèle", "template"),
    "column.lang": ("langue", "lang"),
    "column.file": ("fichier", "file"),
    "column.placeholders": ("paramètres", "placeholders"),
    "column.encoding": ("codage", "encoding"),
    "column.segments": ("SMS", "SMS"),
    "column.finding": ("Constat", "Finding"),
    # --- an account, as `status` and `account show` present it ------------------------
    "label.nir": ("NIR", "NIR"),
    "label.state": ("État", "State"),
    "label.failed_attempts": ("Échecs", "Failed attempts"),
    "label.locked_at": ("Bloqué le", "Locked at"),
    "label.locked_until": ("Bloqué jusqu'au", "Locked until"),
    "label.lock_count": ("Nombre de blocages", "Lock count"),
    "label.last_login": ("Dernière connexion", "Last login"),
    "label.password_changed": ("Mot de passe changé le", "Password changed"),
    "label.channels": ("Canaux", "Channels"),
    "label.open_flow": ("Demande en cours", "Open flow"),
    "label.no_sms": ("{line} (SMS impossible)", "{line} (no SMS possible)"),
    "label.total": ("total", "total"),
    "label.revision": ("révision : {revision}", "revision: {revision}"),
    "label.head": ("attendue : {head}", "head: {head}"),
    # --- one message, as `outbox show` presents it -----------------------------------------
    "label.message.id": ("Id : {value}", "Id: {value}"),
    "label.message.channel": ("Canal : {value}", "Channel: {value}"),
    "label.message.to": ("Destinataire : {value}", "To: {value}"),
    "label.message.status": ("Statut : {value}", "Status: {value}"),
    "label.message.created": ("Créé : {value}", "Created: {value}"),
    "label.message.attempts": ("Essais : {value}", "Attempts: {value}"),
    "label.message.delivered": ("Délivré : {value}", "Delivered: {value}"),
    "label.message.next_attempt": ("Prochain essai : {value}", "Next attempt: {value}"),
    "label.message.last_error": ("Dernière erreur : {value}", "Last error: {value}"),
    "label.message.subject": ("Objet : {value}", "Subject: {value}"),
    # --- what the member fills in, where the command line shows it ------------------------
    "placeholder.ident": ("<identifiant>", "<identifier>"),
    # --- the detail of a refusal, named by `detail_key` (engine.messages.error_message) -----
    "detail.empty": ("vide", "empty"),
    "detail.file_not_found": ("fichier introuvable", "file not found"),
    "detail.no_such_file": ("{path} : fichier introuvable", "{path}: no such file"),
    "detail.not_a_regular_file": (
        "{path} : ce n'est pas un fichier ordinaire",
        "{path}: not a regular file",
    ),
    "detail.not_owner_only": (
        "accessible à d'autres que son propriétaire (0600 attendu)",
        "not owner-only (0600)",
    ),
    "detail.not_a_key": ("ce n'est pas une clé", "not a key"),
    "detail.no_schema_revision": (
        "aucune révision de schéma sesame",
        "no sesame schema revision",
    ),
    "detail.invalid_url": ("URL de base invalide : {url}", "invalid database URL: {url}"),
    "detail.invalid_port": (
        "URL de base invalide : le port n'est pas un nombre",
        "invalid database URL: the port is not a number",
    ),
    "detail.one_address": ("une seule adresse attendue", "one address expected"),
    "detail.ambiguous_address": ("adresse ambiguë", "ambiguous address"),
    "detail.not_text": ("ce n'est pas du texte", "not text"),
    # --- usage errors raised by our own options ------------------------------------------
    "usage.not_one_of": (
        "Valeur invalide pour {option} : « {value} » n'est pas parmi {choices}",
        "Invalid value for {option}: '{value}' is not one of {choices}",
    ),
    "usage.reset_id_or_token": (
        "Donnez soit ID (après un SMS), soit --token (après un email).",
        "Give either ID (after an SMS) or --token (after an email).",
    ),
    # --- sesame demo ----------------------------------------------------------------------
    "demo.title.1": ("Création du compte (support)", "Account creation (support)"),
    "demo.title.2": (
        "Trois mots de passe erronés : les identifiants sont bloqués",
        "Three wrong passwords: the credentials are locked",
    ),
    "demo.title.3": (
        "Débloquez votre compte : mauvaise date de naissance, puis la bonne",
        "Unlock your account: wrong date of birth, then the right one",
    ),
    "demo.title.4": ("Choix du canal : SMS", "Channel choice: SMS"),
    "demo.title.5": (
        "Connexion avec le mot de passe temporaire, puis nouveau mot de passe",
        "Log in with the temporary password, then a new password",
    ),
    "demo.title.6": (
        "Mot de passe oublié : lien par email",
        "Forgotten password: link by email",
    ),
    "demo.typed": ("(saisi)", "(typed)"),
    "demo.exit_ok": ("[sortie {code} : ok]", "[exit {code}: ok]"),
    "demo.exit_unexpected": (
        "[sortie {code} : INATTENDU, {expected} voulu]",
        "[exit {code}: UNEXPECTED, wanted {expected}]",
    ),
    "demo.kept": ("dossier : {path}", "home: {path}"),
    "demo.failed": (
        "demo : {failures} étape(s) ne se sont pas déroulées comme le dit la procédure",
        "demo: {failures} step(s) did not behave as the procedure says",
    ),
    "demo.passed": (
        "demo : chaque étape s'est déroulée comme le dit la procédure",
        "demo: every step behaved as the procedure says",
    ),
}
