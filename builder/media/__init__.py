"""The media edge: runs the jobs the core plans, with Pillow and ffmpeg, cached by content.

Layout:
  results.py        what a job produces (Derivative, MediaInfo) and MediaError
  tools.py          finding ffmpeg/ffprobe and running them safely (limits, no network,
                    forced demuxer)
  images.py         Pillow: responsive WebP, preview JPEG, metadata-free original
  video.py          poster frame, web MP4, probe
  audio.py          waveform, MP3 for podcasts, cover
  cards.py          typographic cards for texts (and audio without cover art)
  render.py         the timeline recipe: a production's cut rendered with ffmpeg
  roll.py           the end-credits roll of a rendered production
  artwork.py        podcast artwork: the show's cover and each episode's image
  artwork_cache.py  podcast artwork made once, kept by content
  cache.py          content-addressed cache with atomic writes
  runner.py         parallel execution with progress, problems for failed jobs
"""
