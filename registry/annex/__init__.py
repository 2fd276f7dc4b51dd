"""The annex text: parsing it into sections and themes (pure Python, no Django)."""
