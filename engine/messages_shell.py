"""Catalogue texts (French, English) of `sesame shell`, the support console;
merged into engine.messages. Its `--help` is `help.shell` (engine/messages_help_support.py)."""

TEXTS: dict[str, tuple[str, str]] = {
    "shell.welcome": (
        "Console sesame : les commandes de sesame, sans « sesame » devant. "
        "help : l'aide ; use ID : le compte courant ; Ctrl-D : quitter.",
        "sesame console: sesame's commands, without « sesame » in front. "
        "help: the help; use ID: the current account; Ctrl-D: leave.",
    ),
    "shell.ask_actor": (
        "Votre nom (auteur enregistré dans le journal d'audit) : ",
        "Your name (the actor the audit log records): ",
    ),
    "shell.exit_status": ("[exit {code}]", "[exit {code}]"),  # as the docs show a status
    "shell.syntax": ("Ligne illisible : {detail}", "Unreadable line: {detail}"),
    "shell.nested": (
        "Déjà dans la console (Ctrl-D pour la quitter).",
        "Already in the console (Ctrl-D leaves it).",
    ),
    "shell.current": ("Compte courant : {account}", "Current account: {account}"),
    "shell.no_current": (
        "Pas de compte courant (use ID pour en choisir un).",
        "No current account (use ID to choose one).",
    ),
    "shell.cleared": ("Plus de compte courant.", "No current account any more."),
    "shell.builtins": (
        "Dans la console : use ID (le compte courant, pris par les commandes dont l'ID "
        "manque), use - (l'oublier), help [COMMANDE], exit ou Ctrl-D (quitter), Ctrl-C "
        "(annuler la ligne). Une ligne qui commence par une espace, une commande du membre "
        "ou une ligne inconnue ne va pas dans l'historique.",
        "In the console: use ID (the current account, taken by commands whose ID is "
        "missing), use - (forget it), help [COMMAND], exit or Ctrl-D (leave), Ctrl-C "
        "(cancel the line). A line that starts with a space, a member's command or an "
        "unknown line is kept out of the history.",
    ),
}
