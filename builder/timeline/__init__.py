"""Productions made in the archive: a record whose `file` is an OpenTimelineIO timeline.

Layout:
  model.py     the cut as plain data (Edit, tracks, clips, dissolves), times in exact seconds
  limits.py    what an untrusted .otio file may be, checked before any parser sees it
  read.py      .otio bytes -> Edit, with OpenTimelineIO's own algorithms (no plugins, no adapters)
  rules.py     what the archive adds: references, record types, trims, sources
  measure.py   the real length of each record a timeline uses, by ffprobe (the check's edge)
  usage.py     what each record gave the cut, in seconds (credits, the edit diagram, the podcast)
  scaffold.py  `showcase new --timeline`: a first cut from a list of record ids
  importer.py  `showcase timeline import`: an editor's export -> a production record
  commands.py  `showcase render`: one production rendered for a local preview
The render itself is a media recipe (builder/media/render.py, roll.py).
"""
