from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from members.selectors import branch_tree_for


@login_required
def tree(request):
    return render(request, "branches/tree.html", {"roots": branch_tree_for(request.user)})
