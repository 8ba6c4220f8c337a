"""StreamField blocks shared by the portal's content pages."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    """A section heading; the page title is the only h1, so sections start at h2."""

    text = blocks.CharBlock(label=_("Текст заголовка"), max_length=200)
    level = blocks.ChoiceBlock(
        label=_("Уровень"),
        choices=[("h2", _("Раздел (h2)")), ("h3", _("Подраздел (h3)")), ("h4", _("Пункт (h4)"))],
        default="h2",
        help_text=_("Раздел — для крупных частей страницы, подраздел — внутри раздела."),
    )

    class Meta:
        icon = "title"
        label = _("Заголовок")
        template = "blocks/heading_block.html"
        preview_value = {"text": "Как получить услугу", "level": "h2"}


class FigureBlock(blocks.StructBlock):
    """An image with alt text (or a decorative flag) and an optional caption."""

    image = ImageBlock(label=_("Изображение"))
    caption = blocks.CharBlock(
        label=_("Подпись"),
        required=False,
        max_length=300,
        help_text=_("Видна под изображением. Например, автор фотографии."),
    )

    class Meta:
        icon = "image"
        label = _("Изображение")
        template = "blocks/figure_block.html"


class DocumentLinkBlock(blocks.StructBlock):
    """A link to a document from the library, with its type and size shown to the reader."""

    document = DocumentChooserBlock(label=_("Документ"))
    title = blocks.CharBlock(
        label=_("Название ссылки"),
        required=False,
        max_length=300,
        help_text=_("Если пусто, покажем название документа из библиотеки."),
    )

    class Meta:
        icon = "doc-full"
        label = _("Документ")
        template = "blocks/document_link_block.html"


class QuoteBlock(blocks.StructBlock):
    """A quotation with the name of who said it."""

    text = blocks.TextBlock(label=_("Цитата"))
    attribution = blocks.CharBlock(label=_("Автор"), required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = _("Цитата")
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Опыт работы в Ассоциации будет очень полезен Глазову.",
            "attribution": "Вера Тронина",
        }


class AccessibleTableBlock(TableBlock):
    """A table whose caption and header row are required for screen readers."""

    class Meta:
        icon = "table"
        label = _("Таблица")
        template = "blocks/table_block.html"
        help_text = _("Отметьте «Первая строка — заголовок» и заполните подпись таблицы.")

    def clean(self, value):
        value = super().clean(value)
        if value and not (value.get("first_row_is_table_header") or value.get("first_col_is_header")):
            raise ValidationError(
                _("Выберите строку или столбец заголовков: без них таблицу не прочитать вслух.")
            )
        if value and not (value.get("table_caption") or "").strip():
            raise ValidationError(
                _("Заполните подпись таблицы: она называет таблицу для программ экранного доступа.")
            )
        return value


class BodyBlock(blocks.StreamBlock):
    """The body of information and news pages."""

    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Текст"),
        icon="pilcrow",
        template="blocks/paragraph_block.html",
        features=["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"],
    )
    image = FigureBlock()
    document = DocumentLinkBlock()
    table = AccessibleTableBlock(
        table_options={"startRows": 3, "startCols": 3, "colHeaders": False, "rowHeaders": False}
    )
    quote = QuoteBlock()

    class Meta:
        block_counts = {}
