from django.http import HttpResponse


def _todo(request, *a, **k):
    return HttpResponse("")


check_list = check_new = check_statistics = listing_list = catalogue_list = catalogue_new = (
    catalogue_detail
) = check_detail = check_report = check_feedback = _todo
