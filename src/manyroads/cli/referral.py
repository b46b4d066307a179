"""`manyroads referral`: a referral plan from the command line, printed, and written as PDF / .ics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from manyroads.cli.state import console, errors, fail, print_json, state


def referral_command(
    ctx: typer.Context,
    place: str | None = typer.Option(None, "--place", help="ZIP code or 'Town, State'."),
    online_only: bool = typer.Option(False, "--online-only", help="Online meetings only."),
    language: str = typer.Option("en", "--language", help="The person's language for the sheet: en or es."),
    meeting_language: list[str] = typer.Option([], "--meeting-language", help="Meetings in this language (ISO)."),
    age_group: str = typer.Option("adult", "--age-group", help="youth (under 18), young_adult, adult, older_adult."),
    gender: str = typer.Option("any", "--gender", help="Meetings for: any, women, men."),
    community: list[str] = typer.Option([], "--community", help="lgbtq, people_of_color (preferred)."),
    medication: str = typer.Option("none", "--medication", help="none, buprenorphine, methadone, naltrexone."),
    medication_status: str = typer.Option("now", "--medication-status", help="now or planned."),
    barrier: list[str] = typer.Option([], "--barrier", help="transport, schedule, social_anxiety."),
    need: list[str] = typer.Option([], "--need", help="wheelchair, asl, childcare."),
    fellowship: list[str] = typer.Option([], "--fellowship", help="Fellowship codes (default: any)."),
    tz: str | None = typer.Option(None, "--tz", help="The person's time zone (default: the place's)."),
    at: datetime | None = typer.Option(None, "--at", help="Plan as of this instant (ISO 8601)."),
    pdf: Path | None = typer.Option(None, "--pdf", help="Write the printable sheet here."),
    ics: Path | None = typer.Option(None, "--ics", help="Write the chosen meetings as a calendar here."),
    clinician_pages: bool = typer.Option(False, "--clinician-pages", help="Add the clinician's guide to the PDF."),
    base_url: str | None = typer.Option(None, "--base-url", help="The site's address for links and the QR code."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Propose meetings, treatment nearby and a cited guide for one person's situation.

    Nothing is stored: the plan is printed (and written where asked) and forgotten."""
    from pydantic import ValidationError

    from manyroads.referral import ReferralError, Situation, build_plan
    from manyroads.referral.guidance import load_library
    from manyroads.referral.pdf import render_pdf
    from manyroads.referral.present import plan_calendar, plan_json, plan_text
    from manyroads.surfaces.context import AppContext
    from manyroads.surfaces.params import validation_problems

    app_state = state(ctx)
    try:
        situation = Situation.model_validate(
            {
                "place": place,
                "online_only": online_only,
                "language": language,
                "meeting_languages": meeting_language,
                "age_group": age_group,
                "gender_preference": gender,
                "communities": community,
                "medication": medication,
                "medication_status": medication_status,
                "barriers": barrier,
                "needs": need,
                "fellowships": fellowship,
                "tz": tz,
                "at": at.replace(tzinfo=at.tzinfo or UTC) if at else None,
            }
        )
    except ValidationError as error:
        field, message = validation_problems(error, "situation")[0]
        fail(f"{field}: {message}")
    context = AppContext.open(app_state.settings)
    try:
        plan = build_plan(context, situation, library=load_library(app_state.settings.guidance_dir))
    except ReferralError as error:
        fail(f"{error.field}: {error.message}")
    base = (base_url or app_state.settings.public_url or "http://127.0.0.1:8000").rstrip("/")
    if as_json:
        print_json(plan_json(plan, base))
    else:
        console.print(plan_text(plan, base), markup=False, highlight=False)
    if pdf is not None:
        pdf.write_bytes(render_pdf(plan, base, clinician_pages=clinician_pages))
        errors.print(f"Wrote the sheet to {pdf}", highlight=False)  # stderr: stdout stays the plan (or JSON)
    if ics is not None:
        ics.write_bytes(plan_calendar(plan, base, datetime.now(UTC)))
        errors.print(f"Wrote {len(plan.all_meetings)} meetings to {ics}", highlight=False)
