"""The shades of the overview's partner × command matrix: what each shade means in numbers.

The shades are fixed bands of the number of themes, so that a shade means the same whatever
the registry holds, and the legend can say it in numbers. The number is in every cell; the
shade only helps the eye.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Shade:
    level: int
    low: int
    high: int | None  # None: no upper bound

    @property
    def css_class(self):
        return f"shade-{self.level}"


SHADES = (Shade(1, 1, 1), Shade(2, 2, 4), Shade(3, 5, 9), Shade(4, 10, None))


def shade(count):
    """The shade of a cell with ``count`` themes; None for an empty cell."""
    for band in SHADES:
        if count >= band.low and (band.high is None or count <= band.high):
            return band
    return None
