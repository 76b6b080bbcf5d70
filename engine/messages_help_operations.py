"""Catalogue texts (French, English) for the `--help` of the operations commands
(`outbox`, `db`, `policy`, `spec`, `demo`); merged into engine.messages_help, whose
docstring gives the keys."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- metrics ---------------------------------------------------------------------
    "help.metrics": (
        "Les compteurs du service au format texte de Prometheus : comptes par état, "
        "blocages et déblocages de la dernière heure et du dernier jour, parcours ouverts, "
        "messages en file, échecs.\n\n"
        "Les noms et les étiquettes sont décrits dans docs/operations.md.",
        "The service's counts in the Prometheus text format: accounts by state, locks and "
        "unlocks in the last hour and day, open flows, queued messages, failures.\n\n"
        "The names and labels are described in docs/operations.md.",
    ),
    "help.metrics.textfile": (
        "Remplacer ce fichier d'un coup (collecteur textfile de node_exporter), mode 0644.",
        "Replace this file at once (node_exporter's textfile collector), mode 0644.",
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
    "help.demo.web": (
        "Servir les pages du membre sur un dossier jetable (un membre prêt), pour les "
        "parcourir dans un navigateur.",
        "Serve the member pages on a throw-away home (a member ready), to click through "
        "in a browser.",
    ),
    "help.demo.port": ("Port d'écoute de --web.", "Port --web listens on."),
    "help.serve": (
        "Servir les pages du membre (et l'API JSON) sur la même base que les commandes.",
        "Serve the member pages (and the JSON API) on the same database as the commands.",
    ),
    "help.serve.host": ("Adresse d'écoute.", "Address to listen on."),
    "help.serve.port": ("Port d'écoute.", "Port to listen on."),
    "help.serve.workers": (
        "Nombre de processus (argon2 occupe un cœur par connexion).",
        "Number of processes (argon2 takes one core per sign-in).",
    ),
    "help.serve.behind_proxy": (
        "Croire X-Forwarded-For/Proto, venant seulement de [web] trusted_proxies.",
        "Trust X-Forwarded-For/Proto, only from [web] trusted_proxies.",
    ),
}
