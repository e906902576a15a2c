"""Apple Podcasts categories (https://podcasters.apple.com/support/1691-apple-podcasts-categories).

In mkdocs.yml a category is written "Category" or "Category/Subcategory", for example
`Arts` or `Arts/Visual Arts`; several may be listed. Names are matched without regard to
case or spaces around the slash, and published in Apple's own spelling.
"""

from __future__ import annotations

import difflib

APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": ("Books", "Design", "Fashion & Beauty", "Food", "Performing Arts", "Visual Arts"),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}

Category = tuple[str, "str | None"]  # (category, subcategory)


def parse_category(text: str) -> Category:
    """("Arts", "Visual Arts") from "arts / visual arts"; ValueError says what is wrong."""
    parts = [part.strip() for part in text.split("/")]
    if len(parts) > 2 or not all(parts):
        raise ValueError(
            f'{text!r} is not "Category" or "Category/Subcategory" (for example "Arts/Visual Arts")'
        )
    main = _match(parts[0], tuple(APPLE_CATEGORIES), "an Apple Podcasts category")
    if len(parts) == 1:
        return main, None
    subs = APPLE_CATEGORIES[main]
    if not subs:
        raise ValueError(f"{main!r} has no subcategories in Apple Podcasts: write just {main!r}")
    return main, _match(parts[1], subs, f"a subcategory of {main!r}")


def _match(name: str, choices: tuple[str, ...], what: str) -> str:
    by_key = {_key(c): c for c in choices}
    if _key(name) in by_key:
        return by_key[_key(name)]
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else f"; one of: {', '.join(choices)}"
    raise ValueError(f"{name!r} is not {what}{hint}")


def _key(name: str) -> str:
    return " ".join(name.casefold().split())
