"""Productions made in the archive: a record whose `file` is an OpenTimelineIO timeline.

Layout:
  model.py     the cut as plain data (Edit, tracks, clips, dissolves), times in exact seconds
  limits.py    what an untrusted .otio file may be, checked before any parser sees it
  read.py      .otio bytes -> Edit, with OpenTimelineIO's own algorithms (no plugins, no adapters)
  rules.py     what the archive adds: references, record types, trims, sources
  usage.py     what each record gave the cut, in seconds (credits, the edit diagram, the podcast)
The render itself is a media recipe (builder/media/render.py, roll.py).
"""
