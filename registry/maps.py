"""Maps of the partner countries, drawn on the server as SVG (no tiles, no requests elsewhere).

The country shapes are Natural Earth's (admin 0 countries at 1:50 million, public domain) as the
npm package ``world-atlas`` (2.0.2, ISC licence) ships them in TopoJSON: ``make install`` installs
it with ``npm ci`` and ``npm run build`` copies ``countries-50m.json`` to
``registry/vendor/world-atlas/``. A shape's id is its ISO 3166-1 numeric code, which pycountry
turns into the alpha-3 code that partners carry (``DEU``).

Drawing a frame (Europe, or the world):

1. the arcs of the topology (each border once) are projected (Lambert azimuthal equal-area for
   Europe, Equal Earth for the world), scaled to the frame and simplified (Douglas-Peucker, so
   neighbours keep one shared border without gaps);
2. each country's rings are put together from its arcs, clipped to the frame and rounded to
   whole units, and written as SVG path data with relative steps (small files);
3. the SVG: other countries in one neutral path, the Netherlands solid, and each partner
   country as a link (``<a href>`` with its name) to its page, hatched and outlined as well as
   filled, so that it is told apart without colour. A partner too small to see at the frame's
   scale (Malta, Luxembourg in the world) also gets a ring around it.

The projected shapes depend only on the frame and are kept per process; the SVG depends on the
partners and the language and is cached by the view with the registry's version.
"""

import json
import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import escape
from itertools import pairwise
from pathlib import Path

import pycountry

ATLAS_PATH = Path(__file__).resolve().parent / "vendor" / "world-atlas" / "countries-50m.json"
# Antarctica has no partner and would take a fifth of the world map.
LEFT_OUT = frozenset({"ATA"})


# The shapes -------------------------------------------------------------------------------------


@dataclass
class Atlas:
    """The arcs of a topology (in degrees) and the countries made of them."""

    arcs: list  # [[(lon, lat), ...], ...]
    # (alpha-3 code or None, [polygon, ...]); a polygon is [ring, ...], a ring [arc index, ...]
    countries: list

    @cached_property
    def crossing(self):
        """The arcs that cross the antimeridian (a step of more than 180 degrees)."""
        return {
            index
            for index, arc in enumerate(self.arcs)
            if any(abs(b[0] - a[0]) > 180 for a, b in pairwise(arc))
        }


def alpha3(numeric):
    """The ISO 3166-1 alpha-3 code of a numeric code ("276" -> "DEU"); None when unknown."""
    if not numeric:
        return None
    country = pycountry.countries.get(numeric=str(numeric).zfill(3))
    return country.alpha_3 if country else None


def decode_arcs(topology):
    """The arcs of a quantised TopoJSON topology, delta-decoded, in degrees."""
    (scale_x, scale_y), (translate_x, translate_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + translate_x, y * scale_y + translate_y))
        arcs.append(points)
    return arcs


def atlas_from_topology(topology, layer="countries"):
    """The countries of a topology's layer; shapes of one code (Australia's islands) are one."""
    by_code = {}
    unnamed = []
    for geometry in topology["objects"][layer]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        code = alpha3(geometry.get("id"))
        if code is None:
            unnamed.append((None, polygons))
        else:
            by_code.setdefault(code, []).extend(polygons)
    countries = [(code, polygons) for code, polygons in by_code.items() if code not in LEFT_OUT]
    return Atlas(arcs=decode_arcs(topology), countries=countries + unnamed)


@lru_cache(maxsize=1)
def load_atlas(path=ATLAS_PATH):
    try:
        with open(path, encoding="utf-8") as file:
            topology = json.load(file)
    except FileNotFoundError as error:
        raise FileNotFoundError(
            f"The country shapes are missing ({path}): `make install` installs them "
            "(npm ci and npm run build)."
        ) from error
    return atlas_from_topology(topology)


# Projections: (longitude, latitude) in degrees to (x, y) with y to the north -------------------


def equal_earth(lon, lat):
    """The Equal Earth projection (Šavrič, Patterson and Jenny, 2018), on the unit sphere."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    theta = math.asin(math.sqrt(3) / 2 * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (2 * math.sqrt(3) * math.radians(lon) * math.cos(theta)) / (
        3 * (9 * a4 * t6 * t2 + 7 * a3 * t6 + 3 * a2 * t2 + a1)
    )
    y = theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))
    return x, y


def lambert_azimuthal(center_lon, center_lat):
    """The Lambert azimuthal equal-area projection around a centre (as ETRS89-LAEA for Europe)."""
    lon0, lat0 = math.radians(center_lon), math.radians(center_lat)
    sin0, cos0 = math.sin(lat0), math.cos(lat0)

    def project(lon, lat):
        lam, phi = math.radians(lon) - lon0, math.radians(lat)
        cos_c = sin0 * math.sin(phi) + cos0 * math.cos(phi) * math.cos(lam)
        k = math.sqrt(2 / max(1 + cos_c, 1e-9))  # the antipode is not drawn
        return (
            k * math.cos(phi) * math.sin(lam),
            k * (cos0 * math.sin(phi) - sin0 * math.cos(phi) * math.cos(lam)),
        )

    return project


# Frames -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """What a map shows: a window of longitudes and latitudes, projected to ``width`` units."""

    key: str
    project: object = field(compare=False)
    west: float
    south: float
    east: float
    north: float
    width: int = 1000
    # Douglas-Peucker tolerance, in units of the frame (a unit is about a pixel at full width).
    tolerance: float = 0.8
    # A country smaller than this (its largest side, in units) gets a ring when it is marked.
    small: float = 12
    ring_radius: float = 9
    # Whether the frame's edge is the antimeridian, where shapes that cross it are cut.
    wraps: bool = False

    @cached_property
    def bounds(self):
        """The projected bounds of the window: its edges sampled every degree."""
        points = []
        for step in range(101):
            lon = self.west + (self.east - self.west) * step / 100
            lat = self.south + (self.north - self.south) * step / 100
            points += [(lon, self.south), (lon, self.north), (self.west, lat), (self.east, lat)]
        projected = [self.project(lon, lat) for lon, lat in points]
        xs = [x for x, _ in projected]
        ys = [y for _, y in projected]
        return min(xs), min(ys), max(xs), max(ys)

    @cached_property
    def scale(self):
        left, _, right, _ = self.bounds
        return self.width / (right - left)

    @cached_property
    def height(self):
        _, bottom, _, top = self.bounds
        return round((top - bottom) * self.scale)

    def to_frame(self, lon, lat):
        """A point in the frame's units: x to the right and y down from its top left corner."""
        left, _, _, top = self.bounds
        x, y = self.project(lon, lat)
        return (x - left) * self.scale, (top - y) * self.scale

    def may_show(self, west, south, east, north, margin=20):
        """Whether a box of longitudes and latitudes can reach the frame (a cheap first test)."""
        return not (
            east < self.west - margin
            or west > self.east + margin
            or north < self.south - margin
            or south > self.north + margin
        )


EUROPE = Frame(
    key="europe",
    project=lambert_azimuthal(10, 52),
    west=-11,
    south=34.5,
    east=32,
    north=71.5,
    width=800,
    tolerance=0.7,
    small=14,
    ring_radius=10,
)
WORLD = Frame(
    key="world",
    project=equal_earth,
    west=-180,
    south=-57,
    east=180,
    north=84,
    width=1000,
    tolerance=0.9,
    small=10,
    ring_radius=8,
    wraps=True,
)
FRAMES = {frame.key: frame for frame in (EUROPE, WORLD)}


# Geometry ---------------------------------------------------------------------------------------


def simplify(points, tolerance):
    """Douglas-Peucker: the points that keep the line within ``tolerance`` of the original."""
    points = thin(points, tolerance)
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    limit = tolerance * tolerance
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = dx * dx + dy * dy
        farthest, index = -1.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if norm:  # the distance to the line through a and b, squared and times norm
                cross = (px - ax) * dy - (py - ay) * dx
                distance = cross * cross
            else:  # a closed arc: measure from its end point
                distance = (px - ax) ** 2 + (py - ay) ** 2
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > limit * (norm or 1):
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def thin(points, tolerance):
    """The points farther than ``tolerance`` from the one kept before them, and the last: a
    cheap first pass that leaves Douglas-Peucker a fraction of the points at a small scale."""
    if len(points) < 3:
        return list(points)
    limit = tolerance * tolerance
    kept = [points[0]]
    for x, y in points[1:-1]:
        last_x, last_y = kept[-1]
        if (x - last_x) ** 2 + (y - last_y) ** 2 > limit:
            kept.append((x, y))
    kept.append(points[-1])
    return kept


def clip(ring, left, top, right, bottom):
    """A ring (without its closing point) cut to a rectangle (Sutherland-Hodgman)."""
    if all(left <= x <= right and top <= y <= bottom for x, y in ring):
        return ring
    edges = [
        (lambda p: p[0] >= left, lambda p, q: cross_x(p, q, left)),
        (lambda p: p[0] <= right, lambda p, q: cross_x(p, q, right)),
        (lambda p: p[1] >= top, lambda p, q: cross_y(p, q, top)),
        (lambda p: p[1] <= bottom, lambda p, q: cross_y(p, q, bottom)),
    ]
    for inside, crossing in edges:
        result = []
        for i, current in enumerate(ring):
            previous = ring[i - 1]
            if inside(current):
                if not inside(previous):
                    result.append(crossing(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(crossing(previous, current))
        ring = result
        if not ring:
            break
    return ring


def cross_x(p, q, x):
    t = (x - p[0]) / (q[0] - p[0])
    return x, p[1] + t * (q[1] - p[1])


def cross_y(p, q, y):
    t = (y - p[1]) / (q[1] - p[1])
    return p[0] + t * (q[0] - p[0]), y


def ring_area(ring):
    return abs(
        sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True))
        / 2
    )


def path_data(rings):
    """SVG path data: an absolute start per ring, then relative steps in whole units."""
    parts = []
    for ring in rings:
        steps = [f"M{ring[0][0]} {ring[0][1]}l"]
        x, y = ring[0]
        numbers = []
        for px, py in ring[1:]:
            numbers += [px - x, py - y]
            x, y = px, py
        steps.append(compact(numbers))
        parts.append("".join(steps) + "z")
    return "".join(parts)


def compact(numbers):
    """Numbers as SVG path data writes them shortest: a minus sign separates as well as a space."""
    text = []
    for number in numbers:
        if text and number >= 0:
            text.append(" ")
        text.append(str(number))
    return "".join(text)


@dataclass
class Shape:
    """A country as a frame draws it."""

    code: str | None
    rings: list  # [[(x, y), ...], ...] in whole units, without closing points
    box: tuple  # (left, top, right, bottom) of its largest part, in units
    is_small: bool

    @property
    def center(self):
        left, top, right, bottom = self.box
        return round((left + right) / 2), round((top + bottom) / 2)


@lru_cache(maxsize=len(FRAMES))
def frame_shapes(frame_key):
    """The countries a frame shows, projected, simplified, clipped and rounded."""
    return draw_shapes(FRAMES[frame_key], load_atlas())


def draw_shapes(frame, atlas):
    margin = 4  # clip a little outside the frame, so that no cut edge shows along it
    left, top, right, bottom = -margin, -margin, frame.width + margin, frame.height + margin
    candidates = []
    for code, polygons in atlas.countries:
        shown = [polygon for polygon in polygons if frame.may_show(*degree_box(atlas, [polygon]))]
        if shown:
            candidates.append((code, shown))
    # Points closer together than the tolerance (in degrees, at the frame's centre scale, halved
    # for the projection's stretch) are thinned out before they are projected.
    degrees = frame.tolerance / (frame.scale * math.pi / 180) / 2
    used = {
        abs_index(index) for _, polygons in candidates for p in polygons for r in p for index in r
    }
    arcs = {
        index: simplify(
            [frame.to_frame(lon, lat) for lon, lat in thin(atlas.arcs[index], degrees)],
            frame.tolerance,
        )
        for index in used
    }
    shapes = []
    for code, polygons in candidates:
        rings = []
        largest, largest_area = None, -1.0
        for polygon in polygons:
            for number, arc_indexes in enumerate(polygon):
                for piece in frame_rings(frame, atlas, arcs, arc_indexes):
                    ring = clip(piece, left, top, right, bottom)
                    if len(ring) < 3:
                        continue
                    area = ring_area(ring)
                    if number == 0 and area > largest_area:
                        largest, largest_area = ring, area
                    rounded = dedupe([(round(x), round(y)) for x, y in ring])
                    if len(rounded) >= 3:
                        rings.append(rounded)
        if largest is None:
            # Smaller than the tolerance (Singapore in the world): where it lies, unsimplified.
            largest = [
                frame.to_frame(lon, lat) for lon, lat in assemble(polygons[0][0], atlas.arcs)
            ]
            if not any(left <= x <= right and top <= y <= bottom for x, y in largest):
                continue
        xs = [x for x, _ in largest]
        ys = [y for _, y in largest]
        box = (min(xs), min(ys), max(xs), max(ys))
        is_small = max(box[2] - box[0], box[3] - box[1]) < frame.small
        shapes.append(Shape(code=code, rings=rings, box=box, is_small=is_small))
    return shapes


def frame_rings(frame, atlas, arcs, arc_indexes):
    """A ring in the frame's units (without its closing point): from the frame's simplified
    arcs, or, where it crosses the antimeridian at the frame's edge, cut there into pieces."""
    if frame.wraps and any(abs_index(index) in atlas.crossing for index in arc_indexes):
        degrees = assemble(arc_indexes, atlas.arcs)[:-1]
        if crosses_antimeridian(degrees):
            return [
                simplify(
                    [frame.to_frame(lon, lat) for lon, lat in piece + piece[:1]], frame.tolerance
                )[:-1]
                for piece in cut_at_antimeridian(degrees)
            ]
    return [assemble(arc_indexes, arcs)[:-1]]


def crosses_antimeridian(ring):
    return any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:] + ring[:1], strict=True))


def cut_at_antimeridian(ring):
    """A ring of degrees that crosses the antimeridian, as the pieces on either side of it.

    The ring is unwrapped into continuous longitudes (Chukotka at 190° rather than -170°), then
    cut to -180..180 as it is, shifted by 360° and by -360°; a cut edge follows the meridian.
    A ring around a pole cannot be unwrapped and is returned as it is.
    """
    unwrapped = [ring[0]]
    offset = 0
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        lon += offset
        if lon - previous > 180:
            offset -= 360
            lon -= 360
        elif lon - previous < -180:
            offset += 360
            lon += 360
        unwrapped.append((lon, lat))
    if abs(unwrapped[-1][0] - unwrapped[0][0]) > 180:
        return [ring]
    pieces = []
    for shift in (-360, 0, 360):
        piece = clip([(lon + shift, lat) for lon, lat in unwrapped], -180, -90, 180, 90)
        if len(piece) >= 3:
            pieces.append(along_meridians(piece))
    return pieces


def along_meridians(ring, step=1.0):
    """A ring with points added every ``step`` degrees where it runs along the edge meridians,
    so that the cut edge follows their curve once projected."""
    result = []
    for (lon, lat), (next_lon, next_lat) in zip(ring, ring[1:] + ring[:1], strict=True):
        result.append((lon, lat))
        if lon == next_lon and abs(lon) == 180:
            count = int(abs(next_lat - lat) // step)
            for i in range(1, count):
                result.append((lon, lat + (next_lat - lat) * i / count))
    return result


def abs_index(index):
    return index if index >= 0 else ~index


def assemble(arc_indexes, arcs):
    """A ring from its arcs; a negative index (~i) is arc i backwards."""
    ring = []
    for index in arc_indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points[1:] if ring else points)
    return ring


def dedupe(ring):
    result = [point for i, point in enumerate(ring) if point != ring[i - 1]]
    return result if len(result) >= 3 else []


def degree_box(atlas, polygons):
    lons, lats = [], []
    for polygon in polygons:
        for index in polygon[0]:
            points = atlas.arcs[abs_index(index)]
            lons += [lon for lon, _ in points]
            lats += [lat for _, lat in points]
    return min(lons), min(lats), max(lons), max(lats)


def codes_inside(frame_key):
    """The countries whose largest part has its centre inside the frame."""
    frame = FRAMES[frame_key]
    return {
        shape.code
        for shape in frame_shapes(frame_key)
        if shape.code
        and 0 <= shape.center[0] <= frame.width
        and 0 <= shape.center[1] <= frame.height
    }


def codes_shown(frame_key):
    """The countries a frame draws."""
    return {shape.code for shape in frame_shapes(frame_key) if shape.code}


# The SVG ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    """A partner country on a map: its name in the page's language and its page."""

    name: str
    url: str


def render_svg(frame_key, *, linked, marked=(), home="NLD", labelled_by=""):
    """The map of a frame as an SVG element to put in a page.

    ``linked`` maps the codes of the partner countries that are links on this map to a
    ``Link``; ``marked`` are partner countries drawn as partners without a link (those linked
    on another map). ``home`` (the Netherlands) is drawn solid.
    """
    frame = FRAMES[frame_key]
    hatch = f"map-hatch-{frame.key}"
    shapes = frame_shapes(frame_key)
    by_code = {shape.code: shape for shape in shapes if shape.code}
    neutral = [
        shape
        for shape in shapes
        if shape.code not in linked and shape.code not in marked and shape.code != home
    ]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map map-{frame.key}" '
        f'viewBox="0 0 {frame.width} {frame.height}" role="group"'
        + (f' aria-labelledby="{escape(labelled_by)}"' if labelled_by else "")
        + ">",
        f'<defs><pattern id="{hatch}" width="7" height="7" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="7" height="7" class="map-partner-fill"/>'
        '<rect width="2.5" height="7" class="map-hatch"/></pattern></defs>',
        f'<rect class="map-sea" width="{frame.width}" height="{frame.height}"/>',
        f'<path class="map-other" d="{path_data(r for s in neutral for r in s.rings)}"/>',
    ]
    for code in marked:
        shape = by_code.get(code)
        if shape:
            parts.append(f'<g class="map-marked">{partner_shape(shape, frame, hatch)}</g>')
    if home in by_code:
        home_path = path_data(by_code[home].rings)
        parts.append(f'<g class="map-home" aria-hidden="true"><path d="{home_path}"/></g>')
    for code, link in linked.items():
        shape = by_code.get(code)
        if shape is None:
            continue
        name = escape(link.name)
        parts.append(
            f'<a class="map-partner" href="{escape(link.url)}" aria-label="{name}">'
            f"<title>{name}</title>{partner_shape(shape, frame, hatch)}</a>"
        )
    parts.append("</svg>")
    return "".join(parts)


def partner_shape(shape, frame, hatch):
    ring = (
        f'<circle class="map-ring" cx="{shape.center[0]}" cy="{shape.center[1]}" '
        f'r="{frame.ring_radius}"/>'
        if shape.is_small
        else ""
    )
    return f'<path d="{path_data(shape.rings)}" fill="url(#{hatch})"/>{ring}'
