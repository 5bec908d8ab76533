"""The alerts' one blueprint: the list, pages and feeds (views) and the subscriptions
(subscription_views) add their routes to it."""

from flask import Blueprint

bp = Blueprint("alerts", __name__, template_folder="templates")
