"""Texts of how failures count and locks last: `policy check`'s mode and
warning, `policy simulate`, `--source`. (French, English)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # --- policy check: the mode ---------------------------------------------------
    "policy.lockout.mode.permanent": (
        "mode : verrouillage jusqu'au déblocage dès le premier verrouillage ; {counting}.",
        "mode: locked until unlocked from the first lock; {counting}.",
    ),
    "policy.lockout.mode.timed": (
        "mode : chaque verrouillage dure {seconds} s{permanent} ; {counting}.",
        "mode: each lock lasts {seconds} s{permanent}; {counting}.",
    ),
    "policy.lockout.mode.progressive": (
        "mode : progressif, le n-ième verrouillage en {reset} s dure la n-ième durée de "
        "[{durations}] s{permanent} ; {counting}.",
        "mode: progressive, the n-th lock within {reset} s lasts the n-th of [{durations}] "
        "s{permanent}; {counting}.",
    ),
    "policy.lockout.mode.permanent_after": (
        ", puis jusqu'au déblocage à partir du {rank}e verrouillage",
        ", then until unlocked from lock {rank} on",
    ),
    "policy.lockout.mode.consecutive": (
        "les échecs comptent jusqu'à une connexion réussie (failure_window_seconds = 0)",
        "failures count until a successful login (failure_window_seconds = 0)",
    ),
    "policy.lockout.mode.window": (
        "seuls les échecs des {window} dernières secondes comptent",
        "only the failures of the last {window} seconds count",
    ),
    "policy.permanent_lock.accepted": (
        "Un verrouillage sans fin (jusqu'au déblocage) après {failures} mots de passe faux "
        "permet à quiconque connaît un NIR de bloquer son titulaire : un déni de service que "
        "la procédure accepte. Le NIST SP 800-63B (§5.2.2) admet jusqu'à 100 échecs "
        "consécutifs avant de bloquer ; un verrouillage limité dans le temps "
        "(lock_seconds = [60, 300, 900]) l'éviterait.",
        "A lock without end (until unlocked) after {failures} wrong passwords lets anyone "
        "who knows a NIR lock its owner out: a denial of service the procedure accepts. NIST "
        "SP 800-63B (§5.2.2) allows up to 100 consecutive failures before locking; a "
        "time-limited lock (lock_seconds = [60, 300, 900]) would avoid it.",
    ),
    # --- policy simulate ----------------------------------------------------------
    "simulate.failed": ("échec {failures}/{max}", "failure {failures}/{max}"),
    "simulate.locked": (
        "verrouillé ({rank}e verrouillage) jusqu'à {until}",
        "locked (lock {rank}) until {until}",
    ),
    "simulate.locked_for_good": (
        "verrouillé ({rank}e verrouillage) jusqu'au déblocage",
        "locked (lock {rank}) until unlocked",
    ),
    "simulate.refused": ("refusé : compte verrouillé", "refused: account locked"),
    "simulate.rate_limited": (
        "refusé : trop de tentatives sur un compte verrouillé",
        "refused: too many attempts on a locked account",
    ),
    "simulate.unlocked": ("fin du verrouillage", "lock ended"),
    "simulate.summary_active": (
        "Au dernier échec : actif, {failures} échec(s) compté(s), {locks} verrouillage(s).",
        "At the last failure: active, {failures} failure(s) counted, {locks} lock(s).",
    ),
    "simulate.summary_locked": (
        "Au dernier échec : verrouillé jusqu'à {until}, {locks} verrouillage(s).",
        "At the last failure: locked until {until}, {locks} lock(s).",
    ),
    "simulate.summary_locked_for_good": (
        "Au dernier échec : verrouillé jusqu'au déblocage, {locks} verrouillage(s).",
        "At the last failure: locked until unlocked, {locks} lock(s).",
    ),
    "simulate.empty": ("Aucun échec sur l'entrée standard.", "No failure on standard input."),
    "invalid.simulate_line": (
        "Ligne {line} : « {value} » n'est ni une date ISO ni +SECONDES (suivie d'une source "
        "facultative).",
        "Line {line}: '{value}' is neither an ISO time nor +SECONDS (optionally followed by "
        "a source).",
    ),
    "invalid.simulate_order": (
        "Ligne {line} : les échecs doivent être dans l'ordre du temps.",
        "Line {line}: the failures must be in time order.",
    ),
    "invalid.simulate_too_many": (
        "Plus de {max} échecs sur l'entrée standard.",
        "More than {max} failures on standard input.",
    ),
    # --- --source -----------------------------------------------------------------
    "invalid.source": (
        "--source : {max} caractères imprimables au plus, non vide.",
        "--source: at most {max} printable characters, not empty.",
    ),
}
