"""Catalogue texts (French, English) for the support commands; merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
    # --- refusals ------------------------------------------------------------------
    "bulk_incomplete": (
        "Déblocage incomplet : {failed} ligne(s) en échec et {not_found} introuvable(s) "
        "sur {total}.",
        "Bulk unlock incomplete: {failed} line(s) failed and {not_found} not found out of {total}.",
    ),
    # support's send refused by a send limit: what happened and what did not
    "send_limited": (
        "Envoi refusé par la limite d'envoi : rien n'a été modifié ni envoyé.",
        "Send refused by the send limit: nothing was changed or sent.",
    ),
    "send_limited.unlock.cooldown": (
        "Envoi refusé : le dernier message au membre est parti il y a {ago} (délai minimum "
        "entre deux envois : {cooldown}). Le compte n'a PAS été débloqué et rien n'a été "
        "envoyé. Réessayez après {retry_at} (dans {wait}), ou débloquez sans envoi : "
        "sesame account unlock {ident} --reason …",
        "Send refused: the last message to the member went out {ago} ago (minimum delay "
        "between two sends: {cooldown}). The account was NOT unlocked and nothing was "
        "sent. Retry after {retry_at} (in {wait}), or unlock without sending: "
        "sesame account unlock {ident} --reason …",
    ),
    "send_limited.unlock.daily_limit": (
        "Envoi refusé : {sends} messages envoyés au membre en 24 h, la limite est atteinte "
        "(dernier il y a {ago}). Le compte n'a PAS été débloqué et rien n'a été envoyé. "
        "Réessayez après {retry_at} (dans {wait}), ou débloquez sans envoi : "
        "sesame account unlock {ident} --reason …",
        "Send refused: {sends} messages sent to the member in 24 h, the limit is reached "
        "(the last {ago} ago). The account was NOT unlocked and nothing was sent. "
        "Retry after {retry_at} (in {wait}), or unlock without sending: "
        "sesame account unlock {ident} --reason …",
    ),
    "send_limited.send_reset.cooldown": (
        "Envoi refusé : le dernier message au membre est parti il y a {ago} (délai minimum "
        "entre deux envois : {cooldown}). Rien n'a été envoyé et l'état du compte n'a pas "
        "changé. Réessayez après {retry_at} (dans {wait}).",
        "Send refused: the last message to the member went out {ago} ago (minimum delay "
        "between two sends: {cooldown}). Nothing was sent and the account's state did not "
        "change. Retry after {retry_at} (in {wait}).",
    ),
    "send_limited.send_reset.daily_limit": (
        "Envoi refusé : {sends} messages envoyés au membre en 24 h, la limite est atteinte "
        "(dernier il y a {ago}). Rien n'a été envoyé et l'état du compte n'a pas changé. "
        "Réessayez après {retry_at} (dans {wait}).",
        "Send refused: {sends} messages sent to the member in 24 h, the limit is reached "
        "(the last {ago} ago). Nothing was sent and the account's state did not change. "
        "Retry after {retry_at} (in {wait}).",
    ),
    # `account unlock --send-reset` on an account that is not locked
    "account_not_locked.send_reset": (
        "Le compte {ident} n'est pas bloqué : rien n'a été modifié ni envoyé. Pour envoyer "
        "un mot de passe temporaire ou un lien sans débloquer : sesame account send-reset "
        "{ident} --channel sms --reason … (ou --channel email).",
        "Account {ident} is not locked: nothing was changed or sent. To send a temporary "
        "password or a link without an unlock: sesame account send-reset {ident} "
        "--channel sms --reason … (or --channel email).",
    ),
    "invalid.when": (
        "Date ou durée invalide : « {value} » (exemples : 30m, 2h, 7d, 2026-11-20, "
        "2026-11-20T08:30).",
        "Invalid date or duration: '{value}' (examples: 30m, 2h, 7d, 2026-11-20, "
        "2026-11-20T08:30).",
    ),
    "invalid.reason_empty": (
        "Indiquez un motif (--reason) : il est enregistré dans le journal d'audit.",
        "Give a reason (--reason): it is recorded in the audit log.",
    ),
    "invalid.file": (
        "Fichier illisible ({path}) : {detail}",
        "Unreadable file ({path}): {detail}",
    ),
    "invalid.event_unknown": (
        "Événement inconnu : « {value} ». Événements possibles : {names}.",
        "Unknown event: '{value}'. Known events: {names}.",
    ),
    "invalid.report_file": (
        "Impossible de créer le rapport {path} : {detail}. Un rapport n'écrase jamais un "
        "fichier : donnez un nouveau nom. Rien n'a été modifié.",
        "Cannot create the report {path}: {detail}. A report never overwrites a file: give "
        "a new name. Nothing was changed.",
    ),
    "invalid.textfile": (
        "Impossible d'écrire {path} : {detail}.",
        "Cannot write {path}: {detail}.",
    ),
    "invalid.audit_format": (
        "Format inconnu : « {value} ». Formats possibles : jsonl (ou --json, --csv).",
        "Unknown format: '{value}'. Known formats: jsonl (or --json, --csv).",
    ),
    "invalid.audit_stream_only": (
        "{option} va avec --format jsonl.",
        "{option} goes with --format jsonl.",
    ),
    "invalid.audit_output": (
        "Impossible d'écrire dans {path} : {detail}.",
        "Cannot append to {path}: {detail}.",
    ),
    "invalid.audit_output_symlink": (
        "{path} est un lien symbolique : refusé (donnez le chemin du fichier lui-même).",
        "{path} is a symbolic link: refused (give the path of the file itself).",
    ),
    "invalid.options_conflict": (
        "Ces options ne peuvent pas être combinées : {options}.",
        "These options cannot be combined: {options}.",
    ),
    "invalid.list_all_format": (
        "--all envoie tous les comptes à un script : ajoutez --csv ou --json (sans --all, "
        "la liste affiche une page de --limit comptes).",
        "--all streams every account to a script: add --csv or --json (without --all, the "
        "list shows a page of --limit accounts).",
    ),
    "invalid.options_missing": (
        "Indiquez une de ces options : {options}.",
        "Give one of these options: {options}.",
    ),
    # --- results of support actions --------------------------------------------------
    "support.unlocked": ("Compte {nir} débloqué.", "Account {nir} unlocked."),
    "support.not_locked": (
        "Le compte {nir} n'était pas bloqué.",
        "Account {nir} was not locked.",
    ),
    "support.identity_failures_cleared": (
        "{count} échec(s) de vérification d'identité effacé(s) : le membre peut de nouveau "
        "débloquer son compte (sesame unlock) sans attendre.",
        "{count} failed identity check(s) cleared: the member can unlock their account "
        "(sesame unlock) again without waiting.",
    ),
    "support.reset_sent.sms": (
        "Mot de passe temporaire envoyé par SMS au {destination} (demande {flow}, valable "
        "jusqu'au {expires}). Le membre se connecte avec : sesame login {nir}",
        "Temporary password sent by SMS to {destination} (flow {flow}, valid until "
        "{expires}). The member logs in with: sesame login {nir}",
    ),
    "support.reset_sent.email": (
        "Lien de réinitialisation envoyé par email à {destination} (demande {flow}, valable "
        "jusqu'au {expires}).",
        "Reset link sent by email to {destination} (flow {flow}, valid until {expires}).",
    ),
    "support.reset_sent": (
        "Réinitialisation envoyée au membre du compte {nir}, sans déblocage.",
        "Reset sent to the member of account {nir}, without an unlock.",
    ),
    "support.reset_sent.still_locked": (
        "Le compte reste bloqué jusqu'à ce que le membre choisisse son nouveau mot de passe.",
        "The account stays locked until the member sets a new password.",
    ),
    "support.new_mobile": (
        "Nouveau mobile : {mobile} (vérifiez-le avec le membre).",
        "New mobile: {mobile} (check it with the member).",
    ),
    "warning.mobile_no_sms": (
        "Attention : le mobile {mobile} est enregistré mais ne peut pas recevoir de SMS "
        "({why}) : aucun mot de passe temporaire ne pourra lui être envoyé.",
        "Warning: the mobile {mobile} is stored but cannot receive an SMS ({why}): no "
        "temporary password can be sent to it.",
    ),
    "import.no_sms": (
        "Attention : {count} mobile(s) enregistré(s) ne peuvent pas recevoir de SMS (numéro "
        "hors de France métropolitaine, ou fixe), lignes {lines} : aucun mot de passe "
        "temporaire ne pourra leur être envoyé.",
        "Warning: {count} stored mobile(s) cannot receive an SMS (not a metropolitan-France "
        "number, or a landline), lines {lines}: no temporary password can be sent to them.",
    ),
    "import.no_sms.count": (
        "Mobiles sans SMS possible : {count}.",
        "Mobiles that cannot receive an SMS: {count}.",
    ),
    "warning.no_sms.not_metropolitan": (
        "numéro hors de France métropolitaine",
        "not a metropolitan-France number",
    ),
    "warning.no_sms.not_mobile": (
        "numéro fixe ou non mobile",
        "a landline or other non-mobile number",
    ),
    "support.disabled": ("Compte {nir} désactivé.", "Account {nir} disabled."),
    "support.already_disabled": (
        "Le compte {nir} était déjà désactivé.",
        "Account {nir} was already disabled.",
    ),
    "support.enabled": ("Compte {nir} réactivé.", "Account {nir} enabled."),
    "support.already_enabled": (
        "Le compte {nir} n'était pas désactivé.",
        "Account {nir} was not disabled.",
    ),
    "support.channels_changed": (
        "Moyens de contact du compte {nir} modifiés.",
        "Contact channels of account {nir} changed.",
    ),
    "support.unchanged": (
        "Aucun changement pour le compte {nir}.",
        "Nothing changed for account {nir}.",
    ),
    # --- lists and views ------------------------------------------------------------
    "list.total": (
        "{shown} compte(s) affiché(s) sur {total}.",
        "{shown} of {total} account(s) shown.",
    ),
    "show.events": ("Derniers événements", "Latest events"),
    "show.messages": ("Messages envoyés", "Messages sent"),
    "show.none": ("(aucun)", "(none)"),
    "audit.none": ("Aucun événement.", "No events."),
    # --- bulk unlock ------------------------------------------------------------------
    "bulk.progress": ("Déblocage", "Unlocking"),
    "bulk.dry_run": (
        "Simulation (--dry-run) : rien n'a été modifié.",
        "Dry run (--dry-run): nothing was changed.",
    ),
    "bulk.unlocked": ("débloqués", "unlocked"),
    "bulk.batch": (
        "Lot {batch} : sesame audit --batch {batch}",
        "Batch {batch}: sesame audit --batch {batch}",
    ),
    "bulk.report": (
        "Rapport écrit dans {path} ({count} ligne(s)).",
        "Report written to {path} ({count} line(s)).",
    ),
    "bulk.unlocked_nirs": (
        "Comptes débloqués ({count}) :",
        "Accounts unlocked ({count}):",
    ),
    "bulk.unlocked_nirs.dry_run": (
        "Comptes qui seraient débloqués ({count}) :",
        "Accounts that would be unlocked ({count}):",
    ),
    "bulk.not_locked": ("non bloqués", "not locked"),
    "bulk.not_found": ("introuvables", "not found"),
    "bulk.failed": ("en échec", "failed"),
    # --- the dashboard -----------------------------------------------------------------
    "dashboard.accounts": ("Comptes par état", "Accounts by state"),
    "dashboard.locks": (
        "Blocages sur les dernières 24 h : {count}",
        "Locks in the last 24 h: {count}",
    ),
    "dashboard.flows": ("Demandes en cours", "Open recovery flows"),
    "dashboard.outbox": ("Messages par statut", "Messages by status"),
    "dashboard.oldest_queued": (
        "Plus ancien message en attente : {age} (créé le {created})",
        "Oldest queued message: {age} old (created {created})",
    ),
    "dashboard.no_queue": ("Aucun message en attente.", "No queued message."),
}
