"""Catalogue texts (French, English) of `account explain`; merged into engine.messages.

French first, in the procedure's words ("tentatives infructueuses", "vos
identifiants sont bloqués")."""

_LOCKED_FR = "Bloqué le {at} après {failures} tentatives infructueuses (mot de passe)"
_LOCKED_EN = "Locked at {at} after {failures} failed passwords"
_WITHIN_FR = " en {within}"
_WITHIN_EN = " within {within}"
_POLICY_FR = ", politique max_failed_attempts={max_failed_attempts} ; "
_POLICY_EN = ", policy max_failed_attempts={max_failed_attempts}; "
_PERMANENT_FR = "bloqué jusqu'au déblocage (par le membre ou le support)."
_PERMANENT_EN = "permanent until unlocked."
_TIMED_FR = "se débloque de lui-même le {unlocks_at} (lock_seconds={lock_seconds})."
_TIMED_EN = "unlocks by itself at {unlocks_at} (lock_seconds={lock_seconds})."

_WINDOW_HEAD_FR = (
    "Bloqué le {at} après {failures} tentatives infructueuses (mot de passe) dans la fenêtre "
    "de {window} (failure_window_seconds={window_seconds})"
)
_WINDOW_HEAD_EN = (
    "Locked at {at} after {failures} failed passwords within the {window} window "
    "(failure_window_seconds={window_seconds})"
)
_RANKED_TIMED_FR = "{rank} en {reset} : {lock_length}, se débloque de lui-même le {unlocks_at}."
_RANKED_TIMED_EN = "{rank} within {reset}: {lock_length}, unlocks by itself at {unlocks_at}."
_RANKED_PERMANENT_FR = (
    "{rank} en {reset} : bloqué jusqu'au déblocage (permanent_after={permanent_after})."
)
_RANKED_PERMANENT_EN = (
    "{rank} within {reset}: permanent until unlocked (permanent_after={permanent_after})."
)

# A lock's sentence: `explain.rule.<head>.<tail>` (engine.explain._locked_rule).
_HEADS = {
    "locked_within": (_LOCKED_FR + _WITHIN_FR, _LOCKED_EN + _WITHIN_EN),
    "locked": (_LOCKED_FR, _LOCKED_EN),
    "locked_window": (_WINDOW_HEAD_FR, _WINDOW_HEAD_EN),
}
_TAILS = {
    "permanent": (_PERMANENT_FR, _PERMANENT_EN),
    "timed": (_TIMED_FR, _TIMED_EN),
    "ranked_timed": (_RANKED_TIMED_FR, _RANKED_TIMED_EN),
    "ranked_permanent": (_RANKED_PERMANENT_FR, _RANKED_PERMANENT_EN),
}
_LOCK_SENTENCES: dict[str, tuple[str, str]] = {
    f"explain.rule.{head}.{tail}": (
        head_fr + _POLICY_FR + tail_fr,
        head_en + _POLICY_EN + tail_en,
    )
    for head, (head_fr, head_en) in _HEADS.items()
    for tail, (tail_fr, tail_en) in _TAILS.items()
}

TEXTS: dict[str, tuple[str, str]] = {
    # --- the rule that put the account in its state: one sentence ------------------
    **_LOCK_SENTENCES,
    "explain.lock_rank.first": ("1er blocage", "lock 1"),
    "explain.lock_rank": ("{rank}e blocage", "lock {rank}"),
    "explain.rule.lock_expired": (
        "Actif : le blocage du {at} a pris fin de lui-même le {unlocks_at} "
        "(lock_seconds={lock_seconds}).",
        "Active: the lock of {at} ended by itself at {unlocks_at} (lock_seconds={lock_seconds}).",
    ),
    "explain.rule.lock_expired.ranked": (
        "Actif : le {rank} du {at} a pris fin de lui-même le {unlocks_at} ({lock_length}) ; "
        "il compte pour le rang du prochain blocage jusqu'au {counts_until}.",
        "Active: {rank} of {at} ended by itself at {unlocks_at} ({lock_length}); it counts "
        "toward the next lock's rank until {counts_until}.",
    ),
    "explain.rule.active": (
        "Actif : {failures} tentative(s) infructueuse(s) depuis la dernière connexion réussie "
        "ou le dernier déblocage ; bloqué à {max_failed_attempts}, "
        "politique max_failed_attempts={max_failed_attempts}.",
        "Active: {failures} failed password(s) since the last success or unlock; "
        "locks at {max_failed_attempts}, policy max_failed_attempts={max_failed_attempts}.",
    ),
    "explain.rule.active_window": (
        "Actif : {failures} tentative(s) infructueuse(s) comptée(s) dans la fenêtre de "
        "{window} (failure_window_seconds={window_seconds}) ; bloqué à {max_failed_attempts}, "
        "politique max_failed_attempts={max_failed_attempts}.",
        "Active: {failures} failed password(s) count within the {window} window "
        "(failure_window_seconds={window_seconds}); locks at {max_failed_attempts}, "
        "policy max_failed_attempts={max_failed_attempts}.",
    ),
    "explain.rule.disabled": (
        "Désactivé le {at} par le support, motif : {reason}.",
        "Disabled at {at} by support, reason: {reason}.",
    ),
    "explain.rule.disabled_unknown": (
        "Désactivé (aucune désactivation dans le journal d'audit).",
        "Disabled (no disabling in the audit log).",
    ),
    "explain.time_format": ("%d/%m/%Y à %H:%M:%S", "%Y-%m-%d %H:%M:%S"),
    # --- the sections ------------------------------------------------------------
    "explain.title": ("Compte {nir} : {state}", "Account {nir}: {state}"),
    "explain.state.active": ("actif", "active"),
    "explain.state.locked": ("bloqué", "locked"),
    "explain.state.disabled": ("désactivé", "disabled"),
    "explain.unlocks.never": (
        "Déblocage automatique : jamais.",
        "Unlocks by itself: never.",
    ),
    "explain.unlocks.at": (
        "Déblocage automatique : le {at}.",
        "Unlocks by itself: at {at}.",
    ),
    "explain.failures": ("Échecs : {total} au total", "Failures: {total} in all"),
    "explain.no_failures": ("Échecs : aucun.", "Failures: none."),
    "explain.by_kind": ("Par type :", "By kind:"),
    "explain.by_source": ("Par source ({shown} derniers) :", "By source (last {shown}):"),
    "explain.source_unknown": ("source inconnue", "unknown source"),
    "explain.timeline": ("Les {shown} derniers :", "The last {shown}:"),
    "explain.earlier": (
        "… et {count} plus ancien(s).",
        "… and {count} earlier.",
    ),
    "explain.kind.password": ("mot de passe", "password"),
    "explain.kind.temporary_password": (
        "mot de passe temporaire ou lien",
        "temporary password or link",
    ),
    "explain.kind.identity": (
        "vérification d'identité (date de naissance)",
        "identity check (date of birth)",
    ),
    "explain.kind.refused_while_locked": (
        "connexion refusée (compte bloqué)",
        "login refused (account locked)",
    ),
    "explain.flow": ("Demande en cours : {flow}", "Open flow: {flow}"),
    "explain.no_flow": ("Demande en cours : aucune.", "Open flow: none."),
    "explain.messages": ("Derniers messages :", "Last messages:"),
    "explain.no_messages": ("Derniers messages : aucun.", "Last messages: none."),
    "explain.stale": (
        "Client obsolète probable : {source} échoue toutes les {interval} "
        "({failures} échecs du {first} au {last}) ; sans doute un appareil ou une application "
        "qui réessaie un ancien mot de passe enregistré.",
        "Probable stale client: {source} fails every {interval} "
        "({failures} failures from {first} to {last}); most likely a device or application "
        "retrying an old saved password.",
    ),
    "explain.stale_all": (
        "Client obsolète probable : les tentatives échouent toutes les {interval} "
        "({failures} échecs du {first} au {last}) ; sans doute un appareil ou une application "
        "qui réessaie un ancien mot de passe enregistré. Aucune source enregistrée : "
        "la règle porte sur l'ensemble des échecs.",
        "Probable stale client: attempts fail every {interval} "
        "({failures} failures from {first} to {last}); most likely a device or application "
        "retrying an old saved password. No source recorded: the rule was applied to the "
        "failures as a whole.",
    ),
    "explain.no_stale": ("Client obsolète : aucun.", "Stale client: none."),
    # --- what to do next -----------------------------------------------------------
    "explain.next.member": ("Ce que peut faire le membre :", "What the member can do:"),
    "explain.next.support": ("Ce que peut faire le support :", "What support can do:"),
    "explain.action.member.unlock": ("Débloquez votre compte", "Unlock your account"),
    "explain.action.member.login": ("Connectez-vous", "Log in"),
    "explain.action.member.forgot": ("Mot de passe oublié", "Forgotten password"),
    "explain.action.member.reset_sms": (
        "Saisissez le mot de passe temporaire reçu par SMS",
        "Type the temporary password received by SMS",
    ),
    "explain.action.member.reset_email": (
        "Collez le lien reçu par email",
        "Paste the link received by email",
    ),
    "explain.action.member.send_code.sms": (
        "Recevez un mot de passe temporaire par SMS",
        "Receive a temporary password by SMS",
    ),
    "explain.action.member.send_code.email": (
        "Recevez un lien par email",
        "Receive a link by email",
    ),
    "explain.action.member.wait": (
        "Ou attendez le {until} : le blocage prend fin de lui-même",
        "Or wait until {until}: the lock ends by itself",
    ),
    "explain.policy": ("Politique : {mode}", "Policy: {mode}"),
    "explain.action.member.contact_support": ("Contactez le support", "Contact support"),
    "explain.action.support.unlock": ("Débloquer le compte", "Unlock the account"),
    "explain.action.support.clear_failures": (
        "Remettre les échecs à zéro",
        "Clear the failures",
    ),
    "explain.action.support.enable": ("Réactiver le compte", "Enable the account"),
    "explain.step": ("{label} : {command}", "{label}: {command}"),
    "explain.placeholder.dob": ("jj/mm/aaaa", "dd/mm/yyyy"),
    "explain.placeholder.reason": ('"motif"', '"reason"'),
}
