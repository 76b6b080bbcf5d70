"""Catalogue texts (French, English) for the `--help` of the support and operations
commands (`status`, `account`, `audit`); merged into engine.messages_help,
whose docstring gives the keys."""

from engine.audit_events import AUDIT_EVENTS

_SINCE_FORMS = ("30m, 2h, 7d, 2026-11-20, heure ISO", "30m, 2h, 7d, 2026-11-20, ISO time")

TEXTS: dict[str, tuple[str, str]] = {
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
    "help.shell": (
        "La console du support : les commandes de sesame dans un seul processus.\n\n"
        "Chaque ligne est une commande de sesame sans « sesame » devant, avec les mêmes "
        "sorties et codes de sortie ; un code non nul est affiché ([exit 3]) et la console "
        "continue. Tab complète les commandes, les options et les identifiants (début du "
        "NIR ou de l'adresse email). use ID choisit le compte courant, pris par les "
        "commandes dont l'ID manque ; help [COMMANDE] affiche l'aide ; Ctrl-C annule la "
        "ligne, Ctrl-D quitte. L'historique (shell_history dans le répertoire de sesame, "
        "mode 0600) ne garde ni les commandes du membre ni les lignes inconnues ou "
        "commençant par une espace. L'auteur (--actor, SESAME_ACTOR) est demandé une fois "
        "s'il manque.",
        "The support console: sesame's commands in one process.\n\n"
        "Each line is a sesame command without « sesame » in front, with the same outputs "
        "and exit codes; a non-zero code is shown ([exit 3]) and the console goes on. Tab "
        "completes commands, options and identifiers (the start of a NIR or an email "
        "address). use ID sets the current account, taken by commands whose ID is "
        "missing; help [COMMAND] shows the help; Ctrl-C cancels the line, Ctrl-D leaves. "
        "The history (shell_history in sesame's home, mode 0600) keeps neither the "
        "member's commands nor unknown lines or lines starting with a space. The actor "
        "(--actor, SESAME_ACTOR) is asked once when missing.",
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
    "help.audit.limit": (
        "Les N événements les plus récents (50 par défaut, sauf avec --format jsonl).",
        "The newest N events (50 by default, except with --format jsonl).",
    ),
    "help.audit.follow": (
        "Continuer d'afficher les nouveaux événements jusqu'à Ctrl-C.",
        "Keep printing new events until Ctrl-C.",
    ),
    "help.audit.format_": (
        "jsonl : un objet JSON par ligne (schéma versionné, docs/audit-stream.md), dans "
        "l'ordre des identifiants ; sans --limit, tout le journal (depuis --after).",
        "jsonl: one JSON object a line (versioned schema, docs/audit-stream.md), in id "
        "order; without --limit, the whole log (from --after).",
    ),
    "help.audit.after": (
        "Seulement les événements d'identifiant supérieur (reprendre un flux : les "
        "identifiants croissent).",
        "Only events with a greater id (resume a stream: ids increase).",
    ),
    "help.audit.output_file": (
        "Ajouter les lignes à ce fichier (créé en 0600, jamais via un lien symbolique), "
        "écrites sur le disque après chaque lot.",
        "Append the lines to this file (created 0600, never through a symbolic link), "
        "synced to the disk after each batch.",
    ),
}
