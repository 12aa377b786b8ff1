"""One reading of the contract for every renderer: per layer, a row per finding.

Markdown, terminal and HTML all show the same findings with the same wording because
they all go through :func:`rows`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from spinscope.document import LAYER_KEYS, LAYER_ORDER

LAYER_TITLES = {
    "boilerplate": "Boilerplate",
    "techniques": "Persuasion techniques",
    "claims": "Check-worthy claims",
    "entities": "Entities",
    "events": "Events",
    "narratives": "Known narratives",
}
#: Row label of layers whose label field is an id, not a category.
ROW_LABELS = {"narratives": "repeats a known narrative"}
_RESERVED = {"schema", "document", "summary", "relations", "provenance"}


@dataclass
class Row:
    layer: str
    index: int
    start: int
    end: int
    text: str
    label: str
    score: float | None
    details: list[tuple[str, str]] = field(default_factory=list)

    def details_text(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.details)


def layers_in(data: dict[str, Any]) -> list[str]:
    """Layers present in ``data`` (computed), in display order."""
    names = [k for k in data if k not in _RESERVED and isinstance(data[k], list)]
    return [n for n in LAYER_ORDER if n in names] + sorted(n for n in names if n not in LAYER_ORDER)


def title_of(layer: str) -> str:
    return LAYER_TITLES.get(layer, layer.replace("_", " ").capitalize())


def rows(data: dict[str, Any], layer: str) -> list[Row]:
    label_key, score_key = LAYER_KEYS.get(layer, ("label", "score"))
    out = []
    for i, item in enumerate(data.get(layer) or []):
        label = str(item.get(label_key)) if label_key else layer.rstrip("s")
        label = ROW_LABELS.get(layer, label)
        score = item.get(score_key) if score_key else None
        skip = {"start", "end", "text", label_key, score_key}
        details = [(k, fmt_value(v)) for k, v in item.items() if k not in skip and _shown(v)]
        out.append(
            Row(
                layer,
                i,
                item["start"],
                item["end"],
                item["text"],
                label,
                score,
                _tidy(layer, item, details),
            )
        )
    return out


def _shown(value: Any) -> bool:
    if value is None or value == "" or value == [] or value == {}:
        return False
    if isinstance(value, dict):
        return any(_shown(v) for v in value.values())
    return True


def _tidy(
    layer: str, item: dict[str, Any], details: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """Layer-specific wording where the generic key: value reads badly."""
    if layer == "claims" and isinstance(item.get("attribution"), dict):
        att = item["attribution"]
        src = att.get("source")
        value = att.get("kind", "none") + (f' — "{src}"' if src else "")
        details = [(k, v) for k, v in details if k != "attribution"] + [("source", value)]
    if layer == "techniques":
        # The label set is the same for every span of a document (named in provenance).
        return [(k, v) for k, v in details if k != "taxonomy"]
    if layer == "entities":
        return _entity_details(item)
    if layer == "events":
        return _event_details(item)
    if layer == "narratives":
        return _narrative_details(item)
    return details


def _narrative_details(item: dict[str, Any]) -> list[tuple[str, str]]:
    """The catalog entry, its date and link (shown as text, escaped by the renderer, never
    fetched), then how close the match is."""
    out = [("catalog entry", f"“{item.get('claim')}”")]
    if item.get("date"):
        out.append(("date", str(item["date"])))
    if item.get("url"):
        out.append(("link", str(item["url"])))
    if item.get("entry") != item.get("url"):
        out.append(("entry id", str(item.get("entry"))))
    if isinstance(item.get("probability"), int | float):
        out.append(("same claim", f"{item['probability']:.0%} probability"))
    if isinstance(item.get("similarity"), int | float):
        out.append(("similarity", f"{item['similarity']:.3f}"))
    out += [(k, str(item[k])) for k in ("catalog", "query") if item.get(k)]
    return out


def _entity_details(item: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    canonical, variant = item.get("canonical"), item.get("variant")
    if canonical and canonical != item.get("text"):
        out.append(("canonical", f"{item['text']} → {canonical}"))
    if variant and variant != "official":
        out.append(("spelling", str(variant).replace("_", " ")))
    if isinstance(item.get("lat"), int | float) and isinstance(item.get("lon"), int | float):
        where = f"{item['lat']:.3f}, {item['lon']:.3f}"
        out.append(("at", where + (f" ({item['country']})" if item.get("country") else "")))
    shown = {"start", "end", "text", "label", "canonical", "variant", "lat", "lon", "country"}
    out += [(k, fmt_value(v)) for k, v in item.items() if k not in shown and _shown(v)]
    return out


def casualties(value: Any) -> str | None:
    """``7`` -> "7"; ``{"min": 20}`` -> "≥20"; ``{"min": 5, "max": 10}`` -> "5–10"."""
    if value is None:
        return None
    if isinstance(value, dict):
        lo, hi = value.get("min"), value.get("max")
        if lo is not None and hi is not None:
            return f"{lo}–{hi}" if lo != hi else str(lo)
        if lo is not None:
            return f"≥{lo}"
        if hi is not None:
            return f"≤{hi}"
        return None
    return str(value)


def _event_details(item: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    actor, target = item.get("actor"), item.get("target")
    if actor or target:
        out.append(("who", f"{actor or '?'} → {target or '?'}"))
    place = item.get("place") or {}
    if place.get("name"):
        inferred = " (inferred from context)" if place.get("inherited") else ""
        out.append(("where", str(place["name"]) + inferred))
    date = item.get("date") or {}
    if date.get("iso"):
        out.append(("when", str(date["iso"])))
    elif date.get("text"):
        out.append(("when", f"“{date['text']}” (unresolved)"))
    for key in ("killed", "injured"):
        if casualties(item.get(key)):
            out.append((key, casualties(item.get(key)) or ""))
    if item.get("weapon"):
        out.append(("weapon", str(item["weapon"])))
    if item.get("status") and item["status"] != "asserted":
        out.insert(0, ("status", str(item["status"])))  # denied or threatened, not reported
    return out


def fmt_value(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        parts = [f"{k}={fmt_value(v)}" for k, v in value.items() if _shown(v)]
        return ", ".join(parts)
    if isinstance(value, list):
        sep = "; " if any(isinstance(v, dict) for v in value) else ", "
        return sep.join(fmt_value(v) for v in value)
    return str(value)


def label_counts(data: dict[str, Any], layer: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows(data, layer):
        counts[row.label] = counts.get(row.label, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def document_fields(data: dict[str, Any]) -> list[tuple[str, str]]:
    d = data["document"]
    keys = ("title", "outlet", "author", "published", "language", "genre", "url", "source")
    return [(k, str(d[k])) for k in keys if d.get(k)]


def summary_items(data: dict[str, Any]) -> list[tuple[str, str]]:
    """Document-level findings as (label, sentence), with readable wording for known keys."""
    items = []
    for key, value in (data.get("summary") or {}).items():
        label = key.replace("_", " ")
        if key == "toponym_convention" and isinstance(value, dict):
            names = ", ".join(
                f"{e.get('written')}→{e.get('canonical')} ×{e.get('count')} ({e.get('variant')})"
                if e.get("written") != e.get("canonical")
                else f"{e.get('written')} ×{e.get('count')} ({e.get('variant')})"
                for e in value.get("evidence") or []
            )
            text = str(value.get("convention") or "undetermined").replace("_", " ")
            items.append((label, f"{text}" + (f" — {names}" if names else "")))
        elif key == "wording_convention" and isinstance(value, dict):
            names = ", ".join(
                f"{e.get('written')} ×{e.get('count')} ({e.get('concept')})"
                for e in value.get("evidence") or []
            )
            text = str(value.get("convention") or "undetermined").replace("_", " ")
            items.append((label, f"{text}" + (f" — {names}" if names else "")))
        elif key == "canonical_claimed":
            # What the page says its URL is; the document's URL is where it was fetched.
            items.append(("canonical URL claimed by the page", str(value)))
        else:
            items.append((label, fmt_value(value)))
    return items


def snippet(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class EntityGroup:
    """The mentions of one entity: its canonical name (or the text where there is none),
    its type, how often and in which spellings it is written, and its first mention."""

    name: str
    label: str
    count: int
    written: dict[str, int]
    first: Row


def entity_groups(data: dict[str, Any]) -> list[EntityGroup]:
    """Entity mentions grouped by canonical name and type, most mentioned first."""
    groups: dict[tuple[str, str], EntityGroup] = {}
    for row, item in zip(rows(data, "entities"), data.get("entities") or [], strict=True):
        name = " ".join(str(item.get("canonical") or row.text).split())
        group = groups.get((name, row.label))
        if group is None:
            group = groups[(name, row.label)] = EntityGroup(name, row.label, 0, {}, row)
        group.count += 1
        written = " ".join(row.text.split())
        group.written[written] = group.written.get(written, 0) + 1
    return sorted(groups.values(), key=lambda g: (-g.count, g.name.casefold(), g.label))


def written_forms(group: EntityGroup) -> str:
    """``Kiev ×2, Kyiv`` : the spellings of a group, most frequent first."""
    forms = sorted(group.written.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{w} ×{n}" if n > 1 else w for w, n in forms)
