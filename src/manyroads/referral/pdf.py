"""The printable referral sheet (PDF, drawn with ReportLab).

Page one carries only a neutral title, the date, a QR code to the finder and what is inside:
no diagnosis, medication or fellowship names, because printed sheets get left in public.
The details follow on the next pages, in the person's language, every guidance point with its
numbered source.
"""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from manyroads.referral.plan import ReferralPlan
from manyroads.referral.present import facility_offers, finder_link, labels, plan_json, qr_modules

_STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("title", parent=_STYLES["Title"], fontSize=24, leading=30, spaceAfter=12)
HEADING = ParagraphStyle("heading", parent=_STYLES["Heading2"], spaceBefore=12, spaceAfter=6)
SUBHEADING = ParagraphStyle("subheading", parent=_STYLES["Heading3"], spaceBefore=8, spaceAfter=2)
BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=10.5, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
ITEM = ParagraphStyle("item", parent=BODY, leftIndent=12, bulletIndent=0)


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(escape(text), style)


def _qr_drawing(text: str, size: float) -> Drawing:
    """The QR code as vector squares, with the four-module quiet zone scanners need."""
    rows = qr_modules(text)
    quiet = 4
    module = size / (len(rows) + 2 * quiet)
    drawing = Drawing(size, size, hAlign="LEFT")
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                left = (x + quiet) * module
                bottom = size - (y + quiet + 1) * module
                drawing.add(Rect(left, bottom, module, module, fillColor=colors.black, strokeColor=None))
    return drawing


def render_pdf(plan: ReferralPlan, base_url: str, *, clinician_pages: bool = False) -> bytes:
    data = plan_json(plan, base_url)
    text = labels(plan.situation.language)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        title=text["title"],
        author="",
        subject="",
        creator="manyroads",
        leftMargin=0.8 * inch,
        rightMargin=0.8 * inch,
        topMargin=0.8 * inch,
        bottomMargin=0.8 * inch,
    )
    story: list[Any] = []
    link = finder_link(plan, base_url)
    story += [
        _p(text["title"], TITLE),
        _p(text["prepared"].format(date=plan.generated_at.date().isoformat())),
        Spacer(1, 18),
        _qr_drawing(link, 1.8 * inch),
        _p(f"{text['finder']}: {link}", SMALL),
        Spacer(1, 18),
        _p(text["contents"], HEADING),
    ]
    contents = [text["meetings"]] if data["meetings"] or data["online_meetings"] else []
    contents += [text["facilities"]] if data["facilities"] else []
    contents += [text["notes"], text["help_now"]]
    story += [Paragraph(escape(item), ITEM, bulletText="•") for item in contents]
    story.append(PageBreak())

    for heading, key in ((text["meetings"], "meetings"), (text["online"], "online_meetings")):
        if not data[key]:
            continue
        story.append(_p(heading, HEADING))
        for meeting in data[key]:
            story.append(KeepTogether(_meeting_block(meeting, text)))
    if data["facilities"]:
        story.append(_p(text["facilities"], HEADING))
        for facility in data["facilities"]:
            story.append(KeepTogether(_facility_block(facility, text)))
        story.append(_p(text["matched"].format(date=data["facilities"][0]["matched_on"]), SMALL))
    for note in data["notes"]:
        story.append(_p(note, SMALL))
    story += _guide(data["person_guide"], text["notes"], text)
    if clinician_pages:
        story.append(PageBreak())
        story += _guide(data["clinician_guide"], text["clinician"], text)
    document.build(story)
    return buffer.getvalue()


def _meeting_block(meeting: dict[str, Any], text: dict[str, str]) -> list[Any]:
    lines = [_p(f"{meeting['name']} · {meeting['fellowship']}", SUBHEADING)]
    when = f"{meeting['when']} ({text['your_time']})"
    if meeting["meeting_time"]:
        when += f"; {text['meeting_time']}: {meeting['meeting_time']}"
    lines.append(_p(when))
    place = ", ".join(p for p in (meeting["location_name"], meeting["address"]) if p)
    if place:
        distance = f" ({text['away'].format(km=meeting['distance_km'])})" if meeting["distance_km"] is not None else ""
        lines.append(_p(f"{text['where']}: {place}{distance}"))
    if meeting["conference_url"]:
        lines.append(_p(f"{text['join']}: {meeting['conference_url']}"))
    if meeting["conference_phone"]:
        lines.append(_p(f"{text['phone']}: {meeting['conference_phone']}"))
    stance = meeting["stance_text"] + (f" ({meeting['stance_basis']})" if meeting["stance_basis"] else "")
    lines.append(_p(f"{stance}. {text['why']}: {', '.join(meeting['reasons'])}.", SMALL))
    lines.append(_p(meeting["url"], SMALL))
    return lines


def _facility_block(facility: dict[str, Any], text: dict[str, str]) -> list[Any]:
    name = facility["name"] + (f" · {facility['site_name']}" if facility["site_name"] else "")
    where = f"{facility['address']} ({text['away'].format(km=facility['distance_km'])})"
    lines = [_p(name, SUBHEADING), _p(f"{text['where']}: {where}")]
    if facility["phone"]:
        lines.append(_p(f"{text['phone']}: {facility['phone']}"))
    offers = facility_offers(facility, text)
    if offers:
        lines.append(_p(f"{text['offers']}: {', '.join(offers)}", SMALL))
    if facility["languages"]:
        lines.append(_p(f"{text['languages']}: {', '.join(facility['languages'])}", SMALL))
    return lines


def _guide(guide: dict[str, Any], heading: str, text: dict[str, str]) -> list[Any]:
    story: list[Any] = [_p(heading, HEADING)]
    for topic in guide["topics"]:
        story.append(_p(topic["title"], SUBHEADING))
        for point in topic["points"]:
            marks = ", ".join(str(n) for n in point["references"])
            story.append(Paragraph(f"{escape(point['text'])} <super>{marks}</super>", ITEM, bulletText="•"))
    if guide["references"]:
        story.append(_p(text["references"], SUBHEADING))
        for reference in guide["references"]:
            url = f" {reference['url']}" if reference["url"] else ""
            story.append(_p(f"{reference['number']}. {reference['text']}{url}", SMALL))
    return story
