"""Create the portal's staff groups and put Wagtail's moderation workflow in their hands.

Wagtail's own initial data makes "Editors" (write, submit for moderation) and "Moderators"
(publish, approve). The portal names them «Авторы» and «Редакторы» and adds
«Модераторы обращений» (the report inbox) and «Переводчики» (wagtail-localize).
Page permissions for translators are granted on the English and Udmurt trees once those
exist (home.permissions.grant_translator_page_permissions).
"""

from django.db import migrations

from home.migration_utils import ensure_permissions, get_permission

AUTHORS, EDITORS, REPORT_MODERATORS, TRANSLATORS = (
    "Авторы",
    "Редакторы",
    "Модераторы обращений",
    "Переводчики",
)
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
AUTHOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
MEDIA_PERMISSIONS = {
    "wagtailimages": ["add_image", "change_image", "choose_image"],
    "wagtaildocs": ["add_document", "change_document", "choose_document"],
}


perm = get_permission


def rename_or_create(Group, old_name, new_name):
    group = Group.objects.filter(name=new_name).first()
    if group is None:
        group = Group.objects.filter(name=old_name).first()
        if group is not None:
            group.name = new_name
            group.save()
        else:
            group = Group.objects.create(name=new_name)
    return group


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    Task = apps.get_model("wagtailcore", "Task")
    Workflow = apps.get_model("wagtailcore", "Workflow")

    access_admin = perm(apps, "wagtailadmin", "access_admin")
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()

    authors = rename_or_create(Group, "Editors", AUTHORS)
    editors = rename_or_create(Group, "Moderators", EDITORS)
    report_moderators = rename_or_create(Group, "", REPORT_MODERATORS)
    translators = rename_or_create(Group, "", TRANSLATORS)

    for group in (authors, editors, report_moderators, translators):
        group.permissions.add(access_admin)

    for group, codenames in ((editors, EDITOR_PAGE_PERMISSIONS), (authors, AUTHOR_PAGE_PERMISSIONS)):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root_page, permission=perm(apps, "wagtailcore", codename)
            )
        for app_label, media_codenames in MEDIA_PERMISSIONS.items():
            for codename in media_codenames:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm(apps, app_label, codename)
                )

    editors.permissions.add(
        *[perm(apps, "home", f"{action}_footercontacts") for action in ("add", "change", "delete")],
        perm(apps, "wagtail_localize", "submit_translation"),
    )
    translators.permissions.add(perm(apps, "wagtail_localize", "submit_translation"))
    for codename in ("choose_image", "choose_document"):
        app_label = "wagtailimages" if codename == "choose_image" else "wagtaildocs"
        GroupCollectionPermission.objects.get_or_create(
            group=translators, collection=root_collection, permission=perm(apps, app_label, codename)
        )

    Workflow.objects.filter(name="Moderators approval").update(name="Согласование публикации")
    Task.objects.filter(name="Moderators approval").update(name="Проверка редактором")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
