"""Catalogue texts (French, English) for storage_unavailable, keyed "storage.<reason>";
merged into engine.messages."""

TEXTS: dict[str, tuple[str, str]] = {
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
}
