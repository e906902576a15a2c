"""Record roles as Podcasting 2.0 `podcast:person` credits (role and group of the taxonomy).

The Podcast Taxonomy (podcast-namespace/taxonomy.json) names the people of a podcast
production. A record's role is free lowercase text (`writer`, `composer`, `illustrator`,
...), so each credit is mapped, in this order:

1. Roles whose taxonomy entry depends on the medium (`ROLE_BY_TYPE`), read from the type
   of the record the person is credited through: an `editor` of a video is a video
   editor, of audio an audio editor, of a text a (script) editor; a `performer` on audio
   made music for it, in a video they appear on screen (`guest`).
2. A role the taxonomy has under the same name (hyphens read as spaces): `director`,
   `producer`, `writer`, `author`, `composer`, `sound-designer`, `narrator`, `host`, ...
3. A role it has under another name (`SYNONYMS`): `voice` -> voice actor, `musician` ->
   music contributor.
4. Roles it lacks (`FALLBACKS`): the people who made the pictures — `illustrator`,
   `photographer`, `animator`, `painter`, `designer` — are credited as `graphic designer`
   (group visuals: "someone who has created any custom visuals to accompany the podcast").
5. Any other role: by what the person made (`BY_TYPE`): a text -> writer, an image ->
   graphic designer, audio -> music contributor, a video -> camera operator.

Every credit therefore names a real taxonomy role in its own group; the record pages
and credits.json keep the archive's own words.
"""

from __future__ import annotations

# group -> roles, lower case, as in taxonomy.json (its typo "Translater" read as "translator").
TAXONOMY: dict[str, tuple[str, ...]] = {
    "creative direction": (
        "director",
        "assistant director",
        "executive producer",
        "senior producer",
        "producer",
        "associate producer",
        "development producer",
        "creative director",
    ),
    "cast": (
        "host",
        "co-host",
        "guest host",
        "guest",
        "voice actor",
        "narrator",
        "announcer",
        "reporter",
    ),
    "writing": (
        "author",
        "editorial director",
        "co-writer",
        "writer",
        "songwriter",
        "guest writer",
        "story editor",
        "managing editor",
        "script editor",
        "script coordinator",
        "researcher",
        "editor",
        "fact checker",
        "translator",
        "transcriber",
        "logger",
    ),
    "audio production": (
        "studio coordinator",
        "technical director",
        "technical manager",
        "audio engineer",
        "remote recording engineer",
        "post production engineer",
    ),
    "audio post-production": (
        "audio editor",
        "sound designer",
        "foley artist",
        "composer",
        "theme music",
        "music production",
        "music contributor",
    ),
    "administration": (
        "production coordinator",
        "booking coordinator",
        "production assistant",
        "content manager",
        "marketing manager",
        "sales representative",
        "sales manager",
    ),
    "visuals": ("graphic designer", "cover art designer"),
    "community": ("social media manager",),
    "misc.": ("consultant", "intern"),
    "video production": ("camera operator", "lighting designer", "camera grip", "assistant camera"),
    "video post-production": ("editor", "assistant editor"),
}

Credit = tuple[str, str]  # (group, role)

ROLE_BY_TYPE: dict[str, dict[str, Credit]] = {
    "editor": {
        "video": ("video post-production", "editor"),
        "audio": ("audio post-production", "audio editor"),
        "text": ("writing", "editor"),
        "image": ("visuals", "graphic designer"),
    },
    "performer": {
        "audio": ("audio post-production", "music contributor"),
        "video": ("cast", "guest"),
    },
}
SYNONYMS: dict[str, Credit] = {
    "voice": ("cast", "voice actor"),
    "musician": ("audio post-production", "music contributor"),
}
FALLBACKS: dict[str, Credit] = {
    role: ("visuals", "graphic designer")
    for role in ("illustrator", "photographer", "animator", "painter", "designer", "artist")
}
BY_TYPE: dict[str, Credit] = {
    "text": ("writing", "writer"),
    "image": ("visuals", "graphic designer"),
    "audio": ("audio post-production", "music contributor"),
    "video": ("video production", "camera operator"),
}
# A role name that sits in one group only (editor, in two, is settled by ROLE_BY_TYPE).
_GROUP_OF: dict[str, str] = {}
for _group, _roles in TAXONOMY.items():
    for _role in _roles:
        _GROUP_OF.setdefault(_role, _group)


def taxonomy_credit(role: str, record_type: str) -> Credit:
    """(group, role) of the taxonomy for a person credited as `role` on a record of
    `record_type`."""
    key = role.strip().lower()
    by_type = ROLE_BY_TYPE.get(key, {})
    if record_type in by_type:
        return by_type[record_type]
    for name in (
        key,
        key.replace("-", " ").replace("_", " "),
    ):  # co-host as written; sound-designer
        if name in _GROUP_OF:
            return _GROUP_OF[name], name
    return (
        SYNONYMS.get(key) or FALLBACKS.get(key) or BY_TYPE.get(record_type, ("writing", "writer"))
    )
