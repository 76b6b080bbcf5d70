"""Catalogue texts (French, English) for `--help`; merged into engine.messages.

Keys (read by cli/help_texts.py, checked by tests/cli_tests/test_cli_help.py):
- `help.<command path>`: a command's or a group's help, path words joined by dots
  (`help.account.show`); its first paragraph is the summary its group lists.
  The root is `help.sesame`.
- `help.<command path>.<parameter>`: one option's or argument's help, by the Python
  name of the parameter (`help.account.import.dry_run` for `--dry-run`).
- `help.*.<parameter>`: the help of a parameter shared by many commands (`--json`,
  an identifier), used where no `help.<command path>.<parameter>` is given.
"""

from engine.audit_events import AUDIT_EVENTS

_IDENT = ("NIR ou adresse email enregistrée.", "NIR or registered email.")
_REASON = (
    "Pourquoi (enregistré dans le journal d'audit avec l'auteur).",
    "Why (recorded in the audit log with the actor).",
)
_SINCE_FORMS = ("30m, 2h, 7d, 2026-11-20, heure ISO", "30m, 2h, 7d, 2026-11-20, ISO time")

TEXTS: dict[str, tuple[str, str]] = {
    "heading.commands": ("Commandes", "Commands"),
    # --- shared by many commands ----------------------------------------------
    "help.*.help": ("Afficher cette aide et quitter.", "Show this message and exit."),
    "help.*.json_output": (
        "Écrire exactement un document JSON sur la sortie standard.",
        "Print exactly one JSON document on stdout.",
    ),
    "help.*.csv_output": ("CSV avec une ligne d'en-tête.", "CSV with a header row."),
    "help.*.ident": _IDENT,
    "help.*.dob": ("Date de naissance, jj/mm/aaaa.", "Date of birth, dd/mm/yyyy."),
    "help.*.channel": ("sms ou email.", "sms or email."),
    "help.*.reason": _REASON,
    # --- the root -------------------------------------------------------------
    "help.sesame": (
        "Blocage des comptes et déblocage en libre-service (Débloquez votre compte).",
        "Account lockout and self-service recovery (Débloquez votre compte).",
    ),
    "help.sesame.home": (
        "Contient sesame.db, outbox/, sesame.toml.",
        "Holds sesame.db, outbox/, sesame.toml.",
    ),
    "help.sesame.db": (
        "Un chemin de fichier SQLite ou une URL SQLAlchemy.",
        "A SQLite file path or a SQLAlchemy URL.",
    ),
    "help.sesame.outbox": ("Où les messages sont écrits.", "Where messages are written."),
    "help.sesame.config": ("Chemin de sesame.toml.", "Path of sesame.toml."),
    "help.sesame.lang": (
        "fr ou en (par défaut : selon la locale).",
        "fr or en (default: from the locale).",
    ),
    "help.sesame.actor": (
        "Qui agit, pour le journal d'audit.",
        "Who acts, for the audit log.",
    ),
    "help.sesame.debug": (
        "Afficher la pile d'appels des erreurs internes.",
        "Show a traceback on internal errors.",
    ),
    "help.sesame.version": ("Afficher la version.", "Show the version."),
    # --- the member's procedure ----------------------------------------------
    "help.login": (
        "Connectez-vous avec votre NIR (ou email) et votre mot de passe (demandé).",
        "Log in with your NIR (or email) and password (prompted).",
    ),
    "help.unlock": (
        "Débloquez votre compte : NIR (ou email) et date de naissance, puis un canal.",
        "Unlock your account: NIR (or email) and date of birth, then a channel.",
    ),
    "help.forgot": (
        "Mot de passe oublié : la même procédure pour un compte qui n'est pas bloqué.",
        "Forgotten password: the same procedure for an account that is not locked.",
    ),
    "help.send-code": (
        "Envoyer (ou renvoyer) le mot de passe temporaire ou le lien sur un canal.",
        "Send (or send again) the temporary password or link on a channel.",
    ),
    "help.send-code.flow": (
        "L'identifiant de demande donné par unlock/forgot.",
        "The flow id given by unlock/forgot.",
    ),
    "help.reset": (
        "Choisir un nouveau mot de passe avec le mot de passe temporaire du SMS (ID) "
        "ou le lien de l'email (--token).",
        "Set a new password with the SMS temporary password (ID) or the email link (--token).",
    ),
    "help.reset.ident": ("NIR ou email, après un SMS.", "NIR or email, after an SMS."),
    "help.reset.token": (
        "'-' : tapez ou envoyez par un tube le lien de l'email (jamais en argument : "
        "ps le montre).",
        "'-': type or pipe the link from the email (never an argument: ps shows it).",
    ),
    # --- support ----------------------------------------------------------------
    "help.status": (
        "Afficher un compte, ou sans ID le tableau de bord.\n\n"
        "Un compte : son état, ses échecs, son blocage, ses canaux masqués et sa demande "
        "en cours. Le tableau de bord : les comptes par état, les blocages récents, les "
        "demandes en cours, la boîte d'envoi.",
        "Show an account, or without ID the dashboard.\n\n"
        "An account: its state, failures, lock, masked channels and open flow. The "
        "dashboard: accounts by state, recent locks, open flows, the outbox.",
    ),
    "help.status.ident": (
        "NIR ou adresse email enregistrée ; sans : le tableau de bord.",
        "NIR or registered email; none: the dashboard.",
    ),
    "help.account": (
        "Créer, consulter, modifier et débloquer des comptes.",
        "Provision, inspect, change and unlock accounts.",
    ),
    "help.account.add": (
        "Créer un compte (le mot de passe et sa confirmation sont demandés).",
        "Create an account (the password and its confirmation are prompted).",
    ),
    "help.account.add.nir": (
        "N° de sécurité sociale (15 caractères).",
        "Social-security number (15 characters).",
    ),
    "help.account.add.email": ("Adresse email de contact.", "Contact email address."),
    "help.account.add.mobile": ("Numéro de téléphone portable.", "Mobile phone number."),
    "help.account.add.language": (
        "Langue des SMS et emails du membre : fr ou en (défaut : [policy] default_language).",
        "Language of the member's SMS and emails: fr or en (default: [policy] default_language).",
    ),
    "help.account.add.no_password": (
        "Pas encore de mot de passe : il sera choisi par `sesame forgot`.",
        "No password yet: set through `sesame forgot`.",
    ),
    "help.account.list": (
        "Lister les comptes, les plus récents d'abord.\n\n"
        "Colonnes : NIR, état, échecs, bloqué depuis, demande en cours, canaux masqués.",
        "List accounts, newest first.\n\n"
        "Columns: NIR, state, failures, locked since, open flow, masked channels.",
    ),
    "help.account.list.state": ("active, locked ou disabled.", "active, locked or disabled."),
    "help.account.list.locked_since": (
        "Bloqués depuis : " + _SINCE_FORMS[0] + ".",
        "Locked since: " + _SINCE_FORMS[1] + ".",
    ),
    "help.account.list.locked_until": (
        "Bloqués avant (exclu) : mêmes formes.",
        "Locked before (exclusive): same forms.",
    ),
    "help.account.list.has_flow": (
        "Seulement les comptes avec une demande de déblocage en cours.",
        "Only accounts with an open recovery flow.",
    ),
    "help.account.list.limit": ("Taille de la page.", "Page size."),
    "help.account.list.offset": ("Comptes à sauter.", "Accounts to skip."),
    "help.account.list.all_rows": (
        "Tous les comptes, sans limite, écrits au fil de l'eau (avec --csv ou --json).",
        "Every account, no limit, streamed (with --csv or --json).",
    ),
    "help.account.show": (
        "Consulter un compte : état, derniers événements, messages.\n\n"
        "Tout ce que montre `status`, plus les 10 derniers événements d'audit et les "
        "messages envoyés au compte (destinations masquées, jamais un secret).",
        "Inspect an account: status, last events, messages.\n\n"
        "Everything `status` shows, plus the last 10 audit events and the messages sent "
        "to the account (masked destinations, never a secret).",
    ),
    "help.account.explain": (
        "Pourquoi un compte est dans son état : la règle, ses échecs, que faire ensuite.\n\n"
        "Une phrase nomme la règle qui a mis le compte dans son état et quand il se débloque "
        "de lui-même ; puis les derniers échecs par type et par source, un client obsolète "
        "(une source qui échoue à intervalle régulier), la demande en cours, les derniers "
        "messages (masqués, jamais un secret) et les commandes du membre et du support. "
        "Sortie 0 actif, 4 bloqué, 5 désactivé, 12 inconnu.",
        "Why an account is in its state: the rule, its failures, what to do next.\n\n"
        "One sentence names the rule that put the account in its state and when it unlocks "
        "by itself; then the latest failures by kind and source, a stale client (one source "
        "failing at a regular interval), the open flow, the last messages (masked, never a "
        "secret) and the member's and support's commands. "
        "Exit 0 active, 4 locked, 5 disabled, 12 unknown.",
    ),
    "help.account.edit": (
        "Changer l'email ou le portable, ou la langue des messages du membre.\n\n"
        "Validé comme `account add`. Toute demande de déblocage en cours est annulée, et "
        "l'ancienne adresse email est prévenue (si notify_on_channel_change est actif).",
        "Change the email or mobile, or the language of the member's messages.\n\n"
        "Validated like `account add`. Any open recovery flow is cancelled, and the old "
        "email address is told (when notify_on_channel_change is on).",
    ),
    "help.account.edit.email": ("Nouvelle adresse email.", "New email address."),
    "help.account.edit.no_email": ("Retirer l'email.", "Remove the email."),
    "help.account.edit.mobile": ("Nouveau numéro de portable.", "New mobile number."),
    "help.account.edit.no_mobile": ("Retirer le portable.", "Remove the mobile."),
    "help.account.edit.language": (
        "Nouvelle langue des SMS et emails du membre : fr ou en.",
        "New language of the member's SMS and emails: fr or en.",
    ),
    "help.account.disable": (
        "Désactiver un compte.\n\n"
        "La connexion, unlock et forgot sont alors refusés (sortie 5) ; une demande en "
        "cours est annulée.",
        "Disable an account.\n\n"
        "Login, unlock and forgot are then refused (exit 5); an open flow is cancelled.",
    ),
    "help.account.enable": (
        "Réactiver un compte désactivé.\n\nIl redevient actif, sans aucun échec compté.",
        "Enable a disabled account again.\n\nIt becomes active, with no failures counted.",
    ),
    "help.account.unlock": (
        "Débloquer un compte, ou plusieurs.\n\n"
        "Efface le blocage et les échecs de ID, ou en masse de --all-locked ou "
        "--from-file. Le support ne voit jamais le mot de passe de l'adhérent : "
        "--send-reset envoie le mot de passe temporaire ou le lien sur le canal de "
        "l'adhérent.",
        "Unlock one account, or many.\n\n"
        "Clears the lock and the failures of ID, or in bulk of --all-locked or "
        "--from-file. Support never sees the member's password: --send-reset sends the "
        "temporary password or link to the member's own channel.",
    ),
    "help.account.unlock.send_reset": (
        "Envoyer aussi à l'adhérent le mot de passe temporaire (sms) ou le lien (email) ; "
        "un compte bloqué seulement (sinon : account send-reset).",
        "Also send the temporary password (sms) or link (email) to the member; "
        "a locked account only (else: account send-reset).",
    ),
    "help.account.unlock.all_locked": ("Tous les comptes bloqués.", "Every locked account."),
    "help.account.unlock.locked_since": (
        "Avec --all-locked : bloqués depuis 2h, 2026-11-20…",
        "With --all-locked: locked since 2h, 2026-11-20…",
    ),
    "help.account.unlock.from_file": (
        "Un NIR ou email par ligne, ou un CSV avec une colonne nir ou id.",
        "One NIR or email per line, or a CSV with a nir or id column.",
    ),
    "help.account.unlock.dry_run": (
        "En masse : dire ce qui se passerait, sans rien changer.",
        "Bulk: report what would happen, change nothing.",
    ),
    "help.account.unlock.report_file": (
        "En masse : écrire chaque ligne et son résultat dans ce nouveau fichier CSV (jamais "
        "écrasé) au lieu de lister les NIR.",
        "Bulk: write every line and its result to this new CSV file (never overwritten) "
        "instead of listing the NIRs.",
    ),
    "help.account.unlock.locked_until": (
        "Avec --all-locked : bloqués avant (exclu) : mêmes formes.",
        "With --all-locked: locked before (exclusive): same forms.",
    ),
    "help.account.send-reset": (
        "Envoyer à l'adhérent une réinitialisation sans débloquer le compte.\n\n"
        "Un mot de passe temporaire (sms) ou un lien (email) part vers le canal de "
        "l'adhérent, dans les limites d'envoi ; un compte bloqué le reste jusqu'à ce que "
        "l'adhérent choisisse un nouveau mot de passe. `account unlock` lève un blocage.",
        "Send the member a reset without unlocking the account.\n\n"
        "A temporary password (sms) or a reset link (email) goes to the member's own "
        "channel, within the send limits; a locked account stays locked until the member "
        "sets a new password. `account unlock` lifts a lock.",
    ),
    "help.account.send-reset.channel": (
        "sms : un mot de passe temporaire au portable ; email : un lien de réinitialisation.",
        "sms: a temporary password to the mobile; email: a reset link.",
    ),
    "help.account.import": (
        "Créer des comptes depuis un fichier CSV.\n\n"
        "Sortie 2 quand une ligne est refusée avec --on-error stop (rien n'est importé), "
        "5 quand des lignes ont été sautées avec --on-error skip.",
        "Create accounts from a CSV file.\n\n"
        "Exit 2 when a row is refused with --on-error stop (nothing imported), "
        "5 when rows were skipped with --on-error skip.",
    ),
    "help.account.import.file": (
        "En-tête nir,birth_date,email,mobile[,password_hash] ; UTF-8, ',' ou ';'.",
        "Header nir,birth_date,email,mobile[,password_hash]; UTF-8, ',' or ';'.",
    ),
    "help.account.import.dry_run": (
        "Vérifier chaque ligne et rendre compte ; ne rien écrire.",
        "Check every row and report; write nothing.",
    ),
    "help.account.import.on_error": (
        "stop : ne rien importer si une ligne est refusée ; skip : importer les lignes valides.",
        "stop: import nothing if a row is refused; skip: import the valid rows.",
    ),
    "help.account.export": (
        "Écrire des comptes au format de l'import.\n\n"
        "Colonnes nir,birth_date,email,mobile (et password_hash avec --with-hashes), "
        "puis language ; avec --state locked, aussi locked_at, failed_attempts et "
        "last_failure_at (que l'import ignore). Chaque export est audité.",
        "Write accounts in the import format.\n\n"
        "Columns nir,birth_date,email,mobile (and password_hash with --with-hashes), "
        "then language; with --state locked, also locked_at, failed_attempts and "
        "last_failure_at (which import ignores). Every export is audited.",
    ),
    "help.account.export.state": (
        "Seulement les comptes dans cet état (locked : avec l'heure du blocage, les "
        "échecs et le dernier échec).",
        "Only accounts in this state (locked: with the lock time, the failures and the "
        "last failure).",
    ),
    "help.account.export.as_csv": (
        "CSV sur la sortie standard (par défaut).",
        "CSV on stdout (the default).",
    ),
    "help.account.export.with_hashes": (
        "Ajouter la colonne password_hash (audité).",
        "Add the password_hash column (audited).",
    ),
    "help.audit": (
        "Lire le journal d'audit.\n\n"
        "Les événements les plus récents, du plus ancien au plus récent ; --follow continue "
        "d'afficher les nouveaux jusqu'à Ctrl-C (avec --json : un objet JSON par ligne).",
        "Read the audit log.\n\n"
        "The newest events, shown oldest first; --follow keeps printing new ones until "
        "Ctrl-C (with --json: one JSON object per line).",
    ),
    "help.audit.ident": (
        "Seulement ce compte (NIR ou email).",
        "Only this account (NIR or email).",
    ),
    "help.audit.since": ("Depuis : " + _SINCE_FORMS[0] + ".", "From: " + _SINCE_FORMS[1] + "."),
    "help.audit.until": ("Avant : mêmes formes.", "Before: same forms."),
    "help.audit.event": (
        "Seulement cet événement (répétable) : " + ", ".join(AUDIT_EVENTS) + ".",
        "Only this event (repeatable): " + ", ".join(AUDIT_EVENTS) + ".",
    ),
    "help.audit.actor": ("Seulement cet auteur.", "Only this actor."),
    "help.audit.source": (
        "Seulement les événements de ce client (--source des commandes du membre).",
        "Only events from this client (the member commands' --source).",
    ),
    "help.account.list.source": (
        "Seulement les comptes ayant un échec venant de ce client dans la fenêtre d'échecs.",
        "Only accounts with a failure from this client in the failure window.",
    ),
    "help.*.source": (
        "L'adresse ou le nom du client, pour le journal d'audit (64 caractères imprimables "
        "au plus ; ou SESAME_SOURCE).",
        "The client's address or name, for the audit log (at most 64 printable characters; "
        "or SESAME_SOURCE).",
    ),
    "help.policy.simulate": (
        "Afficher les blocages que la politique donnerait aux échecs lus sur l'entrée "
        "standard.\n\n"
        "Un échec par ligne : une heure ISO, ou +SECONDES après la ligne précédente, "
        "éventuellement suivie d'une source. Ne lit que sesame.toml (pas de base).",
        "Print the lock timeline the policy gives the failures read on stdin.\n\n"
        "One failure a line: an ISO time, or +SECONDS after the line before, optionally "
        "followed by a source. Reads sesame.toml only (no database).",
    ),
    "help.policy.simulate.start": (
        "Point de départ des +SECONDES : une heure ISO (défaut : maintenant).",
        "Where +SECONDS starts from: an ISO time (default: now).",
    ),
    "help.audit.reason": (
        "Seulement les événements dont le motif du support contient ce texte (sans "
        "distinction de casse).",
        "Only events whose support reason contains this text (any case).",
    ),
    "help.audit.batch": (
        "Seulement les événements de cette action en masse (son identifiant de lot).",
        "Only the events of this bulk action (its batch id).",
    ),
    "help.audit.limit": ("Les N événements les plus récents.", "The newest N events."),
    "help.audit.follow": (
        "Continuer d'afficher les nouveaux événements jusqu'à Ctrl-C.",
        "Keep printing new events until Ctrl-C.",
    ),
    # --- the outbox ---------------------------------------------------------------
    "help.outbox": (
        "Les messages envoyés aux adhérents (SMS et email).",
        "Messages sent to members (SMS and email).",
    ),
    "help.outbox.list": (
        "Les messages les plus récents d'abord (destinations masquées, secrets jamais montrés).",
        "The newest messages first (destinations masked, secrets never shown).",
    ),
    "help.outbox.list.status": ("Seulement ce statut.", "Only this status."),
    "help.outbox.list.channel": ("Seulement ce canal.", "Only this channel."),
    "help.outbox.list.to": (
        "Seulement à cet adhérent (NIR ou email).",
        "Only to this member (NIR or email).",
    ),
    "help.outbox.list.since": (
        "Créés depuis (2026-01-31, 45m, 2h, 7d).",
        "Created since (2026-01-31, 45m, 2h, 7d).",
    ),
    "help.outbox.list.limit": (
        "Combien, les plus récents d'abord.",
        "How many, newest first.",
    ),
    "help.outbox.show": (
        "Un message, son secret toujours remplacé (la copie expurgée).",
        "One message, its secret always replaced (the redacted copy).",
    ),
    "help.outbox.show.message_id": (
        "L'identifiant du message (voir outbox list).",
        "The message's id (see outbox list).",
    ),
    "help.outbox.show.last": ("Le message le plus récent.", "The newest message."),
    "help.outbox.show.to": (
        "À cet adhérent (NIR ou email).",
        "To this member (NIR or email).",
    ),
    "help.outbox.flush": (
        "Écrire dans des fichiers chaque message encore en file (après un arrêt brutal, "
        "ou un disque plein).\n\n"
        'Seulement avec le transport par fichiers ; avec transport = "queue", '
        "`outbox deliver` les envoie.",
        "Write every message still queued to files (after a crash, or a full disk).\n\n"
        'Only with the files transport; with transport = "queue", `outbox deliver` sends '
        "them.",
    ),
    "help.outbox.retry": (
        "Remettre en file un message en échec ou abandonné, ses tentatives remises à zéro."
        "\n\nUn message abandonné dont le secret a été effacé est refusé : l'adhérent "
        "recommence.",
        "Queue a failed or abandoned message again, its attempts reset.\n\n"
        "An abandoned message whose secret was erased is refused: the member starts again.",
    ),
    "help.outbox.retry.message_id": (
        "L'identifiant du message (voir outbox list).",
        "The message's id (see outbox list).",
    ),
    "help.outbox.retry.failed": (
        "Tous les messages en échec ou abandonnés.",
        "Every failed or abandoned message.",
    ),
    "help.outbox.deliver": (
        "Acheminer les messages en file : les emails par SMTP, les SMS par une commande "
        "de passerelle.\n\n"
        "Les échecs sont réessayés avec un délai croissant, puis abandonnés. Un canal sans "
        "transport reste en file. Plusieurs processus deliver peuvent tourner à la fois.",
        "Send queued messages onward: email over SMTP, SMS through a gateway command.\n\n"
        "Failures are retried with exponential backoff, then abandoned. A channel "
        "without a transport is left queued. Several deliver processes may run at once.",
    ),
    "help.outbox.deliver.smtp": (
        "Envoyer les emails par ce serveur.",
        "Send email through this server.",
    ),
    "help.outbox.deliver.starttls": (
        "Exiger STARTTLS avant d'envoyer.",
        "Require STARTTLS before sending.",
    ),
    "help.outbox.deliver.smtp_user": (
        "Se connecter sous cet utilisateur ; mot de passe lu dans SESAME_SMTP_PASSWORD ou demandé.",
        "Log in as this user; password from SESAME_SMTP_PASSWORD or a prompt.",
    ),
    "help.outbox.deliver.sms_command": (
        "Lancer CMD pour chaque SMS, le message JSON sur son entrée standard (sans shell).",
        "Run CMD per SMS, the JSON message on stdin (no shell).",
    ),
    "help.outbox.deliver.watch": (
        "Continuer d'acheminer (chaque seconde) jusqu'à Ctrl-C.",
        "Keep delivering (every second) until Ctrl-C.",
    ),
    # --- the installation -------------------------------------------------------------
    "help.db": (
        "Schéma de la base (migrations Alembic) et copies entre bases.",
        "Database schema (Alembic migrations) and copies between databases.",
    ),
    "help.db.current": (
        "La révision du schéma de la base et celle qu'attend ce sesame.",
        "The schema revision of the database and the one this sesame expects.",
    ),
    "help.db.upgrade": (
        "Appliquer les migrations jusqu'à la révision qu'attend ce sesame.",
        "Apply the migrations up to the revision this sesame expects.",
    ),
    "help.db.copy": (
        "Copier toute une installation dans une autre base (SQLite ⇄ PostgreSQL), "
        "identifiants conservés.\n\n"
        "La cible reçoit le schéma si elle n'en a pas ; sortie 5 quand elle contient déjà "
        "des lignes, 11 quand une base est injoignable, pas à jour, ou que les comptes "
        "diffèrent.",
        "Copy a whole installation to another database (SQLite ⇄ PostgreSQL), ids kept.\n\n"
        "The target gets the schema if it has none; exit 5 when it already holds "
        "rows, 11 when a database is unreachable, outdated, or the counts differ.",
    ),
    "help.db.copy.source": (
        "La base à lire : un chemin de fichier SQLite ou une URL.",
        "The database to read: a SQLite file path or a URL.",
    ),
    "help.db.copy.target": (
        "La base vide à remplir : un chemin de fichier SQLite ou une URL.",
        "The empty database to fill: a SQLite file path or a URL.",
    ),
    "help.policy": (
        "Vérifier la configuration au regard des références.",
        "Check the configuration against the references.",
    ),
    "help.policy.check": (
        "Comparer les réglages à OWASP ASVS 4.0.3 et NIST SP 800-63B.\n\n"
        "Lit seulement sesame.toml (aucune base). Sortie 2 avec --strict quand un réglage "
        "est plus faible que sa référence.",
        "Compare the settings with OWASP ASVS 4.0.3 and NIST SP 800-63B.\n\n"
        "Reads sesame.toml only (no database). Exit 2 with --strict when a setting "
        "is weaker than its reference.",
    ),
    "help.policy.check.strict": (
        "Sortie 2 quand un réglage est plus faible.",
        "Exit 2 when any setting is weaker.",
    ),
    "help.spec": (
        "Écrire la table des transitions en Markdown (états, événements, issues, effets).",
        "Print the transition table as Markdown (states, events, outcomes, effects).",
    ),
    "help.demo": (
        "Dérouler toute la procédure sur un dossier jetable, étape par étape (sortie 0 si "
        "tout est conforme).",
        "Run the whole procedure on a throw-away home, step by step (exit 0 if all is right).",
    ),
    "help.demo.keep": (
        "Garder le dossier jetable et afficher son chemin.",
        "Keep the throw-away home and print its path.",
    ),
}
