"""Wagtail's own permissions on every wagtail-localize route.

wagtail-localize checks only ``submit_translation`` before it creates, updates or publishes a
translation, and for snippets only the model-wide change permission. Every one of its admin
routes is served here instead (site_glazov/urls.py puts these paths before the admin's), and
each asks one question before the upstream view runs: may this user do this to the *target*
(the page or snippet in the other language), by Wagtail's page permissions or the snippet's
permission policy (home.permissions.TranslationPermissionPolicy)?

- creating a translation needs the right to add a page under the target parent (a snippet:
  to change it in the target language); changing one needs the right to edit the target;
- publishing needs the right to publish the target, and a live source: a translation is
  never more public than what it translates;
- a submission never publishes: translations start as drafts (and a live untranslated copy,
  an alias, becomes a page of its own without its content changing), so work of someone who
  cannot publish goes live only when an editor publishes or approves it.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from wagtail.admin.auth import require_admin_access
from wagtail.models import DraftStateMixin, Page, PageLogEntry, TranslatableMixin, WorkflowState
from wagtail.permissions import policy_registry
from wagtail.snippets.views.snippets import get_snippet_model_from_url_params
from wagtail.utils.urlpatterns import decorate_urlpatterns
from wagtail_localize.models import Translation, TranslationSource
from wagtail_localize.operations import translate_object
from wagtail_localize.views import convert, edit_translation, report, snippets_api
from wagtail_localize.views.submit_translations import (
    SubmitPageTranslationView,
    SubmitSnippetTranslationView,
)
from wagtail_localize.views.update_translations import UpdateTranslationsView

SUBMIT_FOR_MODERATION = "glazov-submit-translation-for-moderation"


# The one permission check ------------------------------------------------------------------


def existing_version(instance, locale):
    """The instance's version in ``locale`` (for a page, an alias too), else None."""
    if isinstance(instance, Page):
        return Page.objects.filter(translation_key=instance.translation_key, locale=locale).first()
    return type(instance).objects.filter(translation_key=instance.translation_key, locale=locale).first()


def target_parent(page, locale):
    """Where a new translation of ``page`` into ``locale`` will be created: the nearest ancestor
    that has a version in that language (missing parents in between are copied under it)."""
    for ancestor in page.get_ancestors().order_by("-depth"):
        if ancestor.is_root():
            return ancestor
        found = existing_version(ancestor, locale)
        if found is not None:
            return found
    return None


def source_is_live(source):
    return not isinstance(source, DraftStateMixin) or source.live


def may_change(user, target):
    """May the user change this existing page or snippet (a translation's target)?"""
    if isinstance(target, Page):
        return target.permissions_for_user(user).can_edit()
    return policy_registry.get_by_type(type(target)).user_has_permission_for_instance(user, "change", target)


def may_publish(user, target, source):
    """May the user make this target live with the source's content? Never while the source is not."""
    if not source_is_live(source):
        return False
    if isinstance(target, Page):
        return target.permissions_for_user(user).can_publish()
    policy = policy_registry.get_by_type(type(target))
    if isinstance(target, DraftStateMixin):
        return policy.user_has_permission_for_instance(user, "publish", target)
    return policy.user_has_permission_for_instance(user, "change", target)  # saved is live


def may_translate(user, source, locale, publish=False):
    """The check every route uses: may ``user`` create or update (and with ``publish``, publish)
    the ``locale`` version of ``source``?"""
    if user.is_superuser:
        return not publish or source_is_live(source)
    if locale.pk == source.locale_id:
        return False
    target = existing_version(source, locale)
    if target is not None:
        return may_change(user, target) and (not publish or may_publish(user, target, source))
    if isinstance(source, Page):
        parent = target_parent(source, locale)
        if parent is None:
            return False
        perms = parent.permissions_for_user(user)
        return perms.can_add_subpage() and (not publish or (source.live and perms.can_publish_subpage()))
    # A snippet's new translation is saved live at once: the right to change it in that language.
    would_be = type(source)(locale=locale, translation_key=source.translation_key)
    return policy_registry.get_by_type(type(source)).user_has_permission_for_instance(
        user, "change", would_be
    )


def check_translate(user, source, locale, publish=False):
    if not may_translate(user, source, locale, publish=publish):
        raise PermissionDenied


def check_target(user, translation, publish=False):
    """For routes that name a translation: the same check on its source and target language."""
    check_translate(user, translation.source.get_source_instance(), translation.target_locale, publish)


def translation_or_404(translation_id):
    return get_object_or_404(Translation.objects.select_related("source", "target_locale"), pk=translation_id)


# Submitting pages and snippets -------------------------------------------------------------


def convert_alias_in_place(alias, source, user):
    """Make an alias (a live or draft untranslated copy) a page of its own, content unchanged.

    wagtail-localize would save the translation memory's strings straight into the page's row,
    which for a live page means publishing them: here the page shows exactly what it showed,
    and the translation is a draft revision until someone who may publish it does.
    """
    page = alias.specific
    page.alias_of_id = None
    page.save(update_fields=["alias_of_id"], clean=False)
    revision = page.save_revision(user=user, changed=False, clean=False)
    PageLogEntry.objects.log_action(
        instance=page,
        revision=revision,
        action="wagtail.convert_alias",
        user=user,
        data={"page": {"id": page.id, "title": page.get_admin_display_title()}},
    )
    return page


def translate_guarded(instance, locales, components, user):
    """Submit ``instance`` into ``locales`` as drafts, after ``may_translate`` on each of them
    and on each related object (a snippet the page uses) that will be translated with it."""
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    related = [
        segment.object.get_instance(instance.locale) for segment in source.relatedobjectsegment_set.all()
    ]
    for locale in locales:
        for obj in [instance, *related]:
            check_translate(user, obj, locale)
    for locale in locales:
        target = existing_version(instance, locale)
        if isinstance(instance, Page) and target is not None and target.alias_of_id is not None:
            for obj in related:
                translate_object(obj, [locale], None, user)
            Translation.objects.update_or_create(
                source=source, target_locale=locale, defaults={"enabled": True}
            )
            page = convert_alias_in_place(target, instance, user)
            source.sync_view_restrictions(instance, page)
        else:
            # A new page is created as a draft (WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE is off).
            translate_object(instance, [locale], None, user)
    if components is not None:
        mappings = {source: list(Translation.objects.filter(source=source, target_locale__in=locales))}
        components.save(None, sources_and_translations=mappings)


class GuardedSubmitMixin:
    """wagtail-localize's submission form, offering and accepting only the allowed languages."""

    def allowed_locales(self, queryset):
        return [locale for locale in queryset if may_translate(self.request.user, self.object, locale)]

    def get_form(self):
        form = super().get_form()
        field = form.fields["locales"]
        field.queryset = field.queryset.filter(
            pk__in=[locale.pk for locale in self.allowed_locales(field.queryset)]
        )
        return form

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtail_localize.submit_translation"):
            raise PermissionDenied
        self.object = self.get_object()
        form = super().get_form()  # the languages not yet translated, before our narrowing
        allowed = {str(locale.pk) for locale in self.allowed_locales(form.fields["locales"].queryset)}
        if not allowed or not set(request.POST.getlist("locales")) <= allowed:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @transaction.atomic
    def form_valid(self, form):
        locales = list(form.cleaned_data["locales"])
        translate_guarded(self.object, locales, self.components, self.request.user)
        if isinstance(self.object, Page) and form.cleaned_data.get("include_subtree"):
            for descendant in self.object.get_descendants().specific().order_by("path"):
                translate_guarded(descendant, locales, None, self.request.user)
        single = self.object.get_translation(locales[0]) if len(locales) == 1 else None
        label = locales[0].get_display_name() if single else _("{} locales").format(len(locales))
        messages.success(self.request, self.get_success_message(label))
        return redirect(self.get_success_url() or self.get_default_success_url(single))


class GuardedSubmitPageView(GuardedSubmitMixin, SubmitPageTranslationView):
    pass


class GuardedSubmitSnippetView(GuardedSubmitMixin, SubmitSnippetTranslationView):
    pass


# Updating («Синхронизировать переводы») -----------------------------------------------------


class GuardedUpdateView(UpdateTranslationsView):
    """Updating the source every translation is made from needs the right to change each of them;
    «Publish immediately» is offered and done only where the user may publish each of them."""

    def targets(self):
        return self.object.translations.filter(enabled=True).select_related("target_locale")

    def may_publish_all(self):
        source = self.object.get_source_instance()
        return all(
            may_translate(self.request.user, source, translation.target_locale, publish=True)
            for translation in self.targets()
        )

    def get_form(self):
        form = super().get_form()
        if not self.may_publish_all():
            form.fields.pop("publish_translations", None)
        return form

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtail_localize.submit_translation"):
            raise PermissionDenied
        self.object = self.get_object()
        source = self.object.get_source_instance()
        for translation in self.targets():
            check_translate(request.user, source, translation.target_locale)
        if (
            request.method == "POST"
            and request.POST.get("publish_translations")
            and not self.may_publish_all()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        form.cleaned_data.setdefault("publish_translations", False)
        return super().form_valid(form)


# Routes that name a translation --------------------------------------------------------------


def checked_translation_view(view, publish=False):
    """An upstream view taking ``translation_id``, run only for users who may change its target."""

    @wraps(view)
    def guarded(request, translation_id, *args, **kwargs):
        check_target(request.user, translation_or_404(translation_id), publish=publish)
        return view(request, translation_id, *args, **kwargs)

    guarded.csrf_exempt = getattr(view, "csrf_exempt", False)  # the API views check CSRF themselves
    return guarded


def convert_to_alias(request, page_id):
    """Turning a translation back into an untranslated copy replaces its content with the source's
    and its live status with the source's: the right to publish it when either is live."""
    page = get_object_or_404(Page, id=page_id, alias_of_id__isnull=True)
    source = (
        TranslationSource.objects.filter(
            object_id=page.translation_key,
            specific_content_type=page.content_type_id,
            translations__target_locale=page.locale_id,
        )
        .select_related("locale")
        .first()
    )
    if source is None:
        raise Http404
    source_page = source.get_source_instance()
    perms = page.permissions_for_user(request.user)
    if not perms.can_edit() or ((page.live or source_page.live) and not perms.can_publish()):
        raise PermissionDenied
    return convert.convert_to_alias(request, page_id)


def snippets_listing(request, app_label, model_name, pk=None):
    """The snippet chooser's API: only for users with some right on that kind of snippet."""
    model = get_snippet_model_from_url_params(app_label, model_name)
    policy = policy_registry.get_by_type(model)
    if not policy.user_has_any_permission(request.user, ["add", "change", "delete", "view"]):
        raise PermissionDenied
    if pk is None:
        return SNIPPETS_LIST(request, app_label=app_label, model_name=model_name)
    return SNIPPETS_DETAIL(request, app_label=app_label, model_name=model_name, pk=pk)


SNIPPETS_LIST = snippets_api.SnippetViewSet.as_view({"get": "list"})
SNIPPETS_DETAIL = snippets_api.SnippetViewSet.as_view({"get": "retrieve"})
snippets_listing.csrf_exempt = True


def translations_report(view):
    @wraps(view)
    def guarded(request, *args, **kwargs):
        if not request.user.has_perm("wagtail_localize.submit_translation"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return guarded


# The edit views (Wagtail's page and snippet editors hand translations to wagtail-localize) ----


def enabled_translation_of(instance):
    return (
        Translation.objects.filter(
            source__object_id=instance.translation_key, target_locale_id=instance.locale_id, enabled=True
        )
        .select_related("source", "target_locale")
        .first()
    )


def before_edit(request, instance):
    """Runs before wagtail-localize's own before_edit_page/snippet hooks (which serve its editor).

    Wagtail has checked the right to edit ``instance``. Publishing from the translation editor
    needs more (the source live, the right to publish the target); «Отправить на проверку»
    saves the translation as a draft revision and starts the moderation workflow.
    """
    if request.method != "POST" or not isinstance(instance, TranslatableMixin):
        return None
    translation = enabled_translation_of(instance)
    if translation is None:
        return None
    if request.POST.get("action") == "publish":
        check_target(request.user, translation, publish=True)
        return None
    if SUBMIT_FOR_MODERATION in request.POST and isinstance(instance, Page):
        check_target(request.user, translation)
        return submit_translation_for_moderation(request, translation, instance)
    return None


@transaction.atomic
def submit_translation_for_moderation(request, translation, page):
    """A draft revision holding the translation as it is now, put through the page's workflow.

    The revision is built in memory: the page's row (what visitors see) is not touched.
    """
    page = page.specific
    workflow = page.get_workflow()
    if workflow is None:
        raise PermissionDenied
    translated = translation.source.get_ephemeral_translated_instance(
        translation.target_locale, fallback=True
    )
    try:
        translated.save_revision(user=request.user)
    except ValidationError:
        messages.error(request, _("Перевод не отправлен: исправьте ошибки в переведённых полях."))
        return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    state = page.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(request.user)
    elif state is None or not state.is_active:
        workflow.start(page, request.user)
    else:  # already in moderation: the reviewer sees the new revision in the current task
        task_state = state.current_task_state
        task_state.revision = page.get_latest_revision()
        task_state.save(update_fields=["revision"])
    messages.success(
        request,
        _("Перевод «%(title)s» отправлен на проверку редактору.") % {"title": page.get_admin_display_title()},
    )
    return redirect(reverse("wagtailadmin_pages:edit", args=[page.pk]))


def offers_moderation(request, instance):
    """Does the translation editor offer «Отправить на проверку» (templates/wagtail_localize/…)?"""
    translation = enabled_translation_of(instance)
    if translation is None or not isinstance(instance, Page):
        return False
    perms = instance.permissions_for_user(request.user)
    return perms.can_edit() and not perms.can_publish() and instance.get_workflow() is not None


# Every wagtail-localize admin route, in its own order; site_glazov/urls.py serves them first.

translation_views = {
    name: checked_translation_view(getattr(edit_translation, name))
    for name in (
        "edit_string_translation",
        "edit_override",
        "download_pofile",
        "upload_pofile",
        "machine_translate",
        "preview_translation",
        "stop_translation",
    )
}

urlpatterns = [
    path("submit/page/<int:page_id>/", GuardedSubmitPageView.as_view(), name="submit_page_translation"),
    path(
        "submit/snippet/<slug:app_label>/<slug:model_name>/<str:pk>/",
        GuardedSubmitSnippetView.as_view(),
        name="submit_snippet_translation",
    ),
    path("update/<int:translation_source_id>/", GuardedUpdateView.as_view(), name="update_translations"),
    path(
        "translate/<int:translation_id>/strings/<int:string_segment_id>/edit/",
        translation_views["edit_string_translation"],
        name="edit_string_translation",
    ),
    path(
        "translate/<int:translation_id>/overrides/<int:overridable_segment_id>/edit/",
        translation_views["edit_override"],
        name="edit_override",
    ),
    path(
        "translate/<int:translation_id>/pofile/download/",
        translation_views["download_pofile"],
        name="download_pofile",
    ),
    path(
        "translate/<int:translation_id>/pofile/upload/",
        translation_views["upload_pofile"],
        name="upload_pofile",
    ),
    path(
        "translate/<int:translation_id>/machine_translate/",
        translation_views["machine_translate"],
        name="machine_translate",
    ),
    path(
        "translate/<int:translation_id>/preview/",
        translation_views["preview_translation"],
        name="preview_translation",
    ),
    path(
        "translate/<int:translation_id>/preview/<str:mode>/",
        translation_views["preview_translation"],
        name="preview_translation",
    ),
    path(
        "translate/<int:translation_id>/disable/",
        translation_views["stop_translation"],
        name="stop_translation",
    ),
    path("page/<int:page_id>/convert_to_alias/", convert_to_alias, name="convert_to_alias"),
    path(
        "reports/translations/",
        translations_report(report.TranslationsReportView.as_view()),
        name="translations_report",
    ),
    path(
        "reports/translations/results/",
        translations_report(report.TranslationsReportView.as_view(results_only=True)),
        name="translations_report_results",
    ),
    path("api/snippets/<slug:app_label>/<slug:model_name>/", snippets_listing, name="snippets_api_listing"),
    path(
        "api/snippets/<slug:app_label>/<slug:model_name>/<str:pk>/",
        snippets_listing,
        name="snippets_api_detail",
    ),
]
for pattern in urlpatterns:
    pattern.callback.localize_guarded = True  # tests/test_localize_routes.py finds any route left out
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
