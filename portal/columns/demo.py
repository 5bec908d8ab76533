"""Demo notices for `flask seed demo`: one open call for applications with two attachments (an
application form as PDF, a list as Excel), a closed call, a result and an event. Every one says
it is a demo in its title, its body and its front matter (demo: true), is issued by the
"demo office" (never a real organisation), and none is loaded in production.

They are written into the content store as published pages, beside the library that
`flask content import` brought; before that import the store is empty and the catalog comes from
the shipped files, so the demo waits for it (`make run` imports first).
"""

import io
import json
import zipfile
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from portal.columns import attachments
from portal.content import live_catalog
from portal.content.store import ContentDocument, ContentLanguage, ContentRevision, has_documents, now, raise_generation
from portal.db import db
from portal.sla import BEIJING


class DemoRefused(RuntimeError):
    pass


def demo_pdf(title):
    """A one-page PDF with `title` (ASCII) on it, small and valid."""
    text = f"BT /F1 18 Tf 72 720 Td ({title}) Tj ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def demo_xlsx(rows):
    """A minimal .xlsx workbook with one sheet of inline-string rows."""
    def cell(ref, value):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    sheet_rows = "".join(
        f'<row r="{r}">' + "".join(cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row)) + "</row>"
        for r, row in enumerate(rows, 1))
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/pack'
            'age/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlform'
            'ats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><O'
            'verride PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocu'
            'ment.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" Content'
            'Type="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformat'
            's.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relati'
            'onships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/s'
            'preadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/rel'
            'ationships"><sheets><sheet name="Demo" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.'
            'org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformat'
            's.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relat'
            'ionships>'),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{sheet_rows}</sheetData></worksheet>'),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return out.getvalue()


def _page(meta, body):
    lines = ["---"] + [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "\n".join(lines) + "\n---\n" + body.strip() + "\n"


def _notices(form, table, today):
    """The demo notices, dated around the day they are loaded, so that the open call is open."""
    def day(offset):
        return (today + timedelta(days=offset)).isoformat()
    common = {"kind": "notice", "issuer": ["demo-office"], "demo": True, "updated": day(-1), "reviewed": day(-1)}
    call = dict(common, notice_kind="call", topics=["patent"], date=day(-10), closes=day(120),
                attachments=[form, table])
    closed = dict(common, notice_kind="call", topics=["trademark"], date=day(-120), closes=day(-60))
    result = dict(common, notice_kind="result", topics=["patent"], date=day(-45))
    event = dict(common, notice_kind="event", topics=["rights-protection"], date=day(-5))
    return {
        "demo-call-patent-navigation": {
            "zh": _page(dict(call, title="【演示】专利导航服务项目申报通知",
                             summary="演示通知：示范“征集申报”类通知的样子，附申报表和名单模板。不是真实的申报。"),
                        "**这是一条演示通知，不是真实的申报。**\n\n## 申报对象\n\n演示用：在本市登记的企业。\n\n"
                        "## 申报方式\n\n下载附件中的申报表，填写后按通知要求提交。截止日期见页首。"),
            "en": _page(dict(call, title="[Demo] Call for applications: patent navigation projects",
                             summary="A demo notice showing what a call for applications looks like, with an "
                                     "application form and a list template. Not a real call."),
                        "**This is a demo notice, not a real call.**\n\n## Who may apply\n\nFor the demo: enterprises "
                        "registered in the city.\n\n## How to apply\n\nDownload the application form below, fill it in "
                        "and hand it in as the notice says. The closing date is at the top of the page."),
        },
        "demo-call-closed": {
            "zh": _page(dict(closed, title="【演示】商标品牌培育项目征集通知（已截止）",
                             summary="演示通知：一条已经截止的征集，列表中显示为“已截止”。不是真实的征集。"),
                        "**这是一条演示通知，不是真实的征集。**"),
            "en": _page(dict(closed, title="[Demo] Call for trademark brand projects (closed)",
                             summary="A demo notice: a call that has closed, shown as closed in the list. "
                                     "Not a real call."),
                        "**This is a demo notice, not a real call.**"),
        },
        "demo-result-list": {
            "zh": _page(dict(result, title="【演示】项目评审结果公示",
                             summary="演示通知：示范“结果和名单”类通知。不是真实的结果。"),
                        "**这是一条演示通知，不是真实的结果。**"),
            "en": _page(dict(result, title="[Demo] Results of the project review",
                             summary="A demo notice showing a results and lists notice. Not real results."),
                        "**This is a demo notice, not real results.**"),
        },
        "demo-training-event": {
            "zh": _page(dict(event, title="【演示】知识产权维权培训活动预告",
                             summary="演示通知：示范“活动预告”类通知。不是真实的活动。"),
                        "**这是一条演示通知，不是真实的活动。**"),
            "en": _page(dict(event, title="[Demo] Announcement: training on rights protection",
                             summary="A demo notice showing an event announcement. Not a real event."),
                        "**This is a demo notice, not a real event.**"),
        },
    }


def seed_demo_notices():
    """Publish the demo notices (and their files) unless they exist. Returns how many were added."""
    if current_app.config["PORTAL_ENV"] == "production":
        raise DemoRefused("demo notices are not loaded in production")
    if not has_documents():
        raise DemoRefused("the content store is empty: run `flask content import` first")
    moment = now()
    existing = set(db.session.scalars(select(ContentDocument.slug).where(ContentDocument.section == "notices")))
    upload_dir = current_app.config["UPLOAD_DIR"]
    form = attachments.save(upload_dir, attachments.CheckedFile(
        "演示申报表 demo application form.pdf", "application/pdf", demo_pdf("DEMO application form - not real")),
        None, moment, is_demo=True)
    table = attachments.save(upload_dir, attachments.CheckedFile(
        "演示名单模板 demo list.xlsx", attachments.EXCEL,
        demo_xlsx([["序号 No.", "企业 Enterprise (demo)"], ["1", "演示企业 Demo company"]])), None, moment,
        is_demo=True)
    added = 0
    for slug, texts in _notices(form.token, table.token, moment.astimezone(BEIJING).date()).items():
        if slug in existing:
            continue
        document = ContentDocument(section="notices", slug=slug, status="published", created_at=moment,
                                   updated_at=moment)
        db.session.add(document)
        db.session.flush()
        for lang, text in texts.items():
            revision = ContentRevision(document_id=document.id, lang=lang, text=text, source="shipped",
                                       change_note="演示数据 demo data", created_at=moment)
            db.session.add(revision)
            db.session.flush()
            db.session.add(ContentLanguage(document_id=document.id, lang=lang, head_revision_id=revision.id,
                                           live_revision_id=revision.id, shipped_revision_id=revision.id,
                                           published_at=moment))
        added += 1
    if not added:
        db.session.rollback()
        for token in (form.token, table.token):
            (attachments.folder(upload_dir) / token).unlink(missing_ok=True)
        return 0
    generation = raise_generation()
    db.session.commit()
    live = live_catalog(current_app)
    live.announce(generation)
    live.check()
    return added
