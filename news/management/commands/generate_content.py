"""Fill a site with synthetic news and Duma decisions for benchmarks and tests."""

import datetime
import io
import random

from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Locale

from news.demo.files import illustration_png
from news.models import DecisionIndexPage, DecisionKind, DecisionPage, NewsIndexPage, NewsPage, Rubric

TOPICS = [
    ("ремонт дорог на улице {street}", "Благоустройство"),
    ("благоустройство двора на улице {street}", "Благоустройство"),
    ("концерт во Дворце культуры", "Культура"),
    ("выставка в краеведческом музее", "Культура"),
    ("городские соревнования по лыжным гонкам", "Спорт"),
    ("новое расписание автобуса № {bus}", "Транспорт и дороги"),
    ("сессия городской Думы", "Городская Дума"),
    ("исполнение бюджета города", "Экономика"),
    ("приём в первые классы", "Образование"),
]
STREETS = ["Кирова", "Ленина", "Советской", "Пряженникова", "Сибирской", "Драгунова", "Мира", "Толстого"]
SUBJECTS = [
    "О бюджете муниципального образования «Город Глазов» на {year} год",
    "О Правилах благоустройства территории города Глазова",
    "О порядке предоставления муниципального имущества в аренду",
    "О ставках земельного налога на территории города Глазова",
    "О Положении о муниципальном жилищном контроле",
    "О схеме размещения нестационарных торговых объектов",
    "О наградах города Глазова",
    "О муниципальной программе «Развитие образования» на {year} год",
]
IMAGE_COUNT = 6


class Command(BaseCommand):
    help = (
        "Создаёт синтетические новости и решения Думы (даты за несколько лет, рубрики, поправки "
        "и отмены) для замеров и тестов. Не запускается make run."
    )

    def add_arguments(self, parser):
        parser.add_argument("--news", type=int, default=0, help="Сколько новостей создать.")
        parser.add_argument("--decisions", type=int, default=0, help="Сколько решений Думы создать.")
        parser.add_argument("--seed", type=int, default=2016, help="Зерно случайных чисел (повторяемость).")

    def handle(self, *args, news=0, decisions=0, seed=2016, **options):
        source = Locale.get_default()
        news_index = NewsIndexPage.objects.filter(locale=source).first()
        registry = DecisionIndexPage.objects.filter(locale=source).first()
        if (news and news_index is None) or (decisions and registry is None):
            raise CommandError("Сначала загрузите демонстрационное содержимое: manage.py load_demo_content")
        made = generate(news_index, registry, news, decisions, random.Random(seed))  # noqa: S311 - synthetic data
        self.stdout.write(self.style.SUCCESS(f"Создано новостей: {made[0]}, решений: {made[1]}."))


def images():
    """A few illustrations shared by all synthetic news, made once."""
    Image = get_image_model()
    existing = list(Image.objects.filter(title__startswith="Синтетическая иллюстрация")[:IMAGE_COUNT])
    for number in range(len(existing), IMAGE_COUNT):
        image = Image(
            title=f"Синтетическая иллюстрация {number + 1}",
            file=ImageFile(
                io.BytesIO(illustration_png(number, (640, 420))), name=f"synthetic-{number + 1}.png"
            ),
        )
        image.save()
        existing.append(image)
    return existing


@transaction.atomic
def generate(news_index, registry, news_count, decision_count, rng):
    """Add the pages as published pages straight away (no revisions: this is bulk test data)."""
    now = timezone.now()
    made_decisions = []
    if decision_count:
        kinds = list(DecisionKind.objects.filter(locale=registry.locale))
        start = DecisionPage.objects.child_of(registry).count()
        existing = list(DecisionPage.objects.child_of(registry).order_by("-date_adopted")[:50])
        for number in range(start + 1, start + decision_count + 1):
            adopted = (now - datetime.timedelta(days=rng.randint(0, 365 * 10))).date()
            title = rng.choice(SUBJECTS).format(year=adopted.year + 1)
            decision = DecisionPage(
                title=title,
                slug=f"reshenie-{number}",
                kind=rng.choice(kinds),
                number=f"№ {number}" if rng.random() < 0.8 else f"{number}-р",
                date_adopted=adopted,
                effective_date=adopted + datetime.timedelta(days=rng.randint(0, 30)),
                status="in_force",
                publication_source="газета «Красное знамя»",
                publication_date=adopted + datetime.timedelta(days=rng.randint(1, 10)),
                full_text=f"<p>Глазовская городская Дума РЕШИЛА: утвердить документ «{title}».</p>",
                listing_summary=title,
                live=True,
                first_published_at=now,
                last_published_at=now,
            )
            registry.add_child(instance=decision)
            older = [d for d in existing + made_decisions if d.date_adopted <= adopted]
            if older and rng.random() < 0.3:
                decision.amends.set(rng.sample(older, k=min(len(older), rng.randint(1, 2))))
                decision.save()
            elif older and rng.random() < 0.1:
                target = rng.choice(older)
                decision.repeals.set([target])
                decision.save()
                DecisionPage.objects.filter(translation_key=target.translation_key).update(
                    status="lost_force", lost_force_date=adopted
                )
            made_decisions.append(decision)
        registry.refresh_from_db()

    made_news = 0
    if news_count:
        rubrics = {r.name: r for r in Rubric.objects.filter(locale=news_index.locale)}
        pictures = images()
        start = NewsPage.objects.child_of(news_index).count()
        decisions = made_decisions or list(DecisionPage.objects.child_of(registry)[:50]) if registry else []
        for number in range(start + 1, start + news_count + 1):
            topic, rubric_name = rng.choice(TOPICS)
            subject = topic.format(street=rng.choice(STREETS), bus=rng.randint(1, 20))
            date = now - datetime.timedelta(days=rng.randint(0, 365 * 6), minutes=rng.randint(0, 1440))
            page = NewsPage(
                title=f"{subject[0].upper()}{subject[1:]}",
                slug=f"novost-{number}",
                date=date,
                lead=f"Коротко о главном: {subject}. Подробности — в тексте новости.",
                body=[
                    ("paragraph", f"<p>В Глазове — {subject}. Рассказываем, что изменится для жителей.</p>")
                ],
                image=rng.choice(pictures),
                image_decorative=True,
                live=True,
                first_published_at=date,
                last_published_at=date,
            )
            news_index.add_child(instance=page)
            if rubric_name in rubrics:
                page.rubrics.set([rubrics[rubric_name]])
            if decisions and rubric_name == "Городская Дума":
                page.related_decisions.set([rng.choice(decisions)])
            page.tags.add(rng.choice(["Глазов", "жителям", "Дума", "праздник"]))
            page.save()
            made_news += 1
    return made_news, len(made_decisions)
