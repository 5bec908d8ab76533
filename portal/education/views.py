"""The schools' education hub (/<lang>/education/) and its teaching materials.

The hub's filters come from the query string, so it is rendered per request; a material page
has no choices and is @rendered_once (see portal/page_cache.py).
"""

from flask import Blueprint, g, render_template, request

from portal.content import current_catalog, page_or_404
from portal.content.schema import LEVELS, MATERIAL_KINDS, SUBJECTS
from portal.education.grades import CLASS_TIMES, GRADES, choice, fits
from portal.page_cache import rendered_once

bp = Blueprint("education", __name__, template_folder="templates")

# The content page whose text introduces the hub (content/pages/education.<lang>.md).
HUB_PAGE = "education"
# The expert-visit request form, with the type and the applicant kind "school" chosen.
VISIT_REQUEST = {"type": "school-visit", "topic": "school"}
# A query string can repeat a parameter any number of times; more than this is not a person.
MAX_VALUES = 20
SHOWN_REJECTS = 3  # how many unknown values the message quotes back


def parse_filters(args):
    """(levels, kinds, rejected) from the hub's query string.

    Known values are kept in the schema's order; unknown ones are returned, shortened, so the
    page can say what it ignored instead of failing or silently showing everything."""
    rejected = []
    chosen = {}
    for param, allowed in (("level", LEVELS), ("kind", MATERIAL_KINDS)):
        values = args.getlist(param)[:MAX_VALUES]
        rejected.extend(value[:40] for value in values if value and value not in allowed)
        chosen[param] = tuple(key for key in allowed if key in values)
    return chosen["level"], chosen["kind"], rejected[:SHOWN_REJECTS]


@bp.get("/")
def hub():
    levels, kinds, rejected = parse_filters(request.args)
    grade, bad_grade = choice(request.args, "grade", GRADES)
    minutes, bad_time = choice(request.args, "time", CLASS_TIMES)
    rejected = (rejected + [value for value in (bad_grade, bad_time) if value])[:SHOWN_REJECTS]
    catalog = current_catalog()
    intro = page_or_404("pages", HUB_PAGE)
    g.keep_args = {key: value for key, value in (("level", list(levels)), ("kind", list(kinds)),
                                                 ("grade", grade), ("time", minutes)) if value}
    materials = [material for material in catalog.materials(g.lang, levels=levels, material_kinds=kinds)
                 if fits(material, grade, minutes)]
    return render_template("education/hub.html", page=intro, materials=materials, levels=LEVELS,
                           material_kinds=MATERIAL_KINDS, chosen_levels=levels, chosen_kinds=kinds,
                           grades=GRADES, class_times=CLASS_TIMES, chosen_grade=grade, chosen_time=minutes,
                           rejected=rejected, visit_request=VISIT_REQUEST)


@bp.get("/<slug>")
@rendered_once
def material(slug):
    page = page_or_404("education", slug)
    return render_template("education/material.html", page=page, levels=LEVELS, material_kinds=MATERIAL_KINDS,
                           subjects=SUBJECTS, visit_request=VISIT_REQUEST)
