"""The columns' one blueprint: the public lists, pages and feeds (views) and the attachments
(attachment_views: public downloads and the editors' upload page) add their routes to it."""

from flask import Blueprint

bp = Blueprint("columns", __name__, template_folder="templates")
