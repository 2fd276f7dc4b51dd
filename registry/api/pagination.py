from rest_framework.pagination import PageNumberPagination


class RegistryPagination(PageNumberPagination):
    """Pages of a fixed size, asked for with the same ``pagina`` parameter as the web pages."""

    page_query_param = "pagina"
    page_size = 50
