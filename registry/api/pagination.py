import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination

DUTCH_PAGE_PARAMETER = "pagina"
PAGE_NUMBER = re.compile(r"[0-9]+")


class RegistryPagination(PageNumberPagination):
    """Pages of a fixed size, asked for with ``page`` or, as on the web pages, ``pagina``.

    The links to the neighbouring pages use the name the request used (``page`` if neither).
    An empty value is the first page, as on the web pages; anything but a page number of this
    listing, in either parameter, is a 404.
    """

    page_query_param = "page"
    page_size = 50
    last_page_strings = ()  # no page=last: the schema says a page is a number
    invalid_page_message = _("There is no such page in this listing.")

    def get_page_number(self, request, paginator):
        params = request.query_params
        if not params.get(self.page_query_param) and params.get(DUTCH_PAGE_PARAMETER):
            self.page_query_param = DUTCH_PAGE_PARAMETER
        given = [params[name] for name in ("page", DUTCH_PAGE_PARAMETER) if params.get(name)]
        if not all(PAGE_NUMBER.fullmatch(number) for number in given):
            raise NotFound(self.invalid_page_message)
        return given[0] if given else 1

    def get_schema_operation_parameters(self, view):
        number = {"type": "integer", "minimum": 1}
        return [
            {
                "name": "page",
                "required": False,
                "in": "query",
                "allowEmptyValue": True,
                "description": "The number of the page, from 1; empty or left out: the first.",
                "schema": number,
            },
            {
                "name": DUTCH_PAGE_PARAMETER,
                "required": False,
                "in": "query",
                "deprecated": True,
                "allowEmptyValue": True,
                "description": "The Dutch name of page, as on the web pages; page wins if both "
                "are given.",
                "schema": number,
            },
        ]
