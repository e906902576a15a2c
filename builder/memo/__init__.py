"""What a build keeps in the cache folder for the next one, beside the media: rendered
Markdown (renders.py) and the files that passed their checks (verdicts.py). Each is a
plain JSON file written whole or not at all (store.py), holds only what the last build
used, and is ignored when damaged: losing it costs time, never correctness.
"""
