/**
 * CardService (apps-script-services.md §10): the builders a Workspace add-on's homepage and actions use, building
 * cards that render to google.apps.card.v1-style JSON (what `printJson()` shows; Google's exact keys are
 * UNCONFIRMED) and to HTML for the playground page. Text keeps only the formatting tags cards allow (b, i, u, s,
 * br, font color, a href); everything else is escaped, so a card can never inject markup into the page.
 */
import { placeholderException, strictService } from './errors';

type Json = Record<string, unknown>;

const MAX_SECTIONS = 100;
const MAX_WIDGETS = 100;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Card text → safe HTML: the allowed tags survive (attributes checked), everything else is shown as text. */
export function cardTextToHtml(text: string): string {
  const out: string[] = [];
  const tag = /<(\/?)(b|i|u|s|strike|br|font|a)((?:\s+[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*\/?>/gi;
  let last = 0;
  for (const m of text.matchAll(tag)) {
    out.push(escapeHtml(text.slice(last, m.index)));
    last = (m.index ?? 0) + m[0].length;
    const [, close, rawName, attrs] = m;
    const name = rawName.toLowerCase();
    if (close) {
      if (name !== 'br') out.push(`</${name}>`);
      continue;
    }
    const attr = (wanted: string) =>
      new RegExp(`${wanted}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i')
        .exec(attrs ?? '')
        ?.slice(1)
        .find((v) => v !== undefined);
    if (name === 'a') {
      const href = attr('href') ?? '';
      out.push(
        /^(https?:|mailto:)/i.test(href)
          ? `<a href="${escapeHtml(href)}" target="_blank" rel="noopener">`
          : '<a>',
      );
    } else if (name === 'font') {
      const color = attr('color') ?? '';
      out.push(/^#?[0-9a-z]{1,20}$/i.test(color) ? `<font color="${escapeHtml(color)}">` : '<font>');
    } else out.push(name === 'br' ? '<br>' : `<${name}>`);
  }
  out.push(escapeHtml(text.slice(last)));
  return out.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Actions and links

class Action {
  functionName?: string;
  parameters: Record<string, string> = {};
  loadIndicator?: string;
  setFunctionName(name: string) {
    this.functionName = String(name);
    return this;
  }
  setParameters(parameters: Record<string, unknown>) {
    for (const [k, v] of Object.entries(parameters ?? {})) {
      if (typeof v !== 'string') throw placeholderException(`Action parameters must be strings (${k})`);
    }
    this.parameters = { ...(parameters as Record<string, string>) };
    return this;
  }
  setLoadIndicator(indicator: string) {
    this.loadIndicator = String(indicator);
    return this;
  }
  toJson(): Json {
    if (!this.functionName) throw placeholderException('Action without a function name');
    return {
      function: this.functionName,
      ...(Object.keys(this.parameters).length
        ? { parameters: Object.entries(this.parameters).map(([key, value]) => ({ key, value })) }
        : {}),
    };
  }
}

class OpenLink {
  url?: string;
  openAs?: string;
  onClose?: string;
  setUrl(url: string) {
    this.url = String(url);
    return this;
  }
  setOpenAs(openAs: string) {
    this.openAs = String(openAs);
    return this;
  }
  setOnClose(onClose: string) {
    this.onClose = String(onClose);
    return this;
  }
  toJson(): Json {
    if (!this.url) throw placeholderException('OpenLink without a url');
    return { url: this.url, ...(this.openAs ? { openAs: this.openAs } : {}) };
  }
}

type Clickable = { action?: Action; link?: OpenLink };
const onClickJson = (c: Clickable): Json | undefined =>
  c.action ? { action: c.action.toJson() } : c.link ? { openLink: c.link.toJson() } : undefined;

// ---------------------------------------------------------------------------------------------------------------
// Widgets

abstract class Widget {
  abstract toJson(): Json;
}

class TextParagraph extends Widget {
  text?: string;
  maxLines?: number;
  setText(text: string) {
    this.text = String(text);
    return this;
  }
  setMaxLines(n: number) {
    this.maxLines = n;
    return this;
  }
  toJson(): Json {
    if (this.text === undefined) throw placeholderException('TextParagraph without text');
    return { textParagraph: { text: this.text } };
  }
}

class TextButton extends Widget implements Clickable {
  text?: string;
  action?: Action;
  link?: OpenLink;
  style?: string;
  disabled = false;
  setText(text: string) {
    this.text = String(text);
    return this;
  }
  setOnClickAction(action: Action) {
    this.action = action;
    return this;
  }
  setOpenLink(link: OpenLink) {
    this.link = link;
    return this;
  }
  setTextButtonStyle(style: string) {
    this.style = String(style);
    return this;
  }
  setDisabled(disabled: boolean) {
    this.disabled = disabled === true;
    return this;
  }
  button(): Json {
    if (!this.text) throw placeholderException('TextButton without text');
    const onClick = onClickJson(this);
    if (!onClick) throw placeholderException('TextButton without an action or link');
    return { text: this.text, onClick, ...(this.disabled ? { disabled: true } : {}) };
  }
  toJson(): Json {
    return { buttonList: { buttons: [this.button()] } };
  }
}

class ButtonSet extends Widget {
  readonly buttons: TextButton[] = [];
  addButton(button: TextButton) {
    this.buttons.push(button);
    return this;
  }
  toJson(): Json {
    return { buttonList: { buttons: this.buttons.map((b) => b.button()) } };
  }
}

class DecoratedText extends Widget implements Clickable {
  text?: string;
  topLabel?: string;
  bottomLabel?: string;
  wrapText = false;
  button?: TextButton;
  action?: Action;
  link?: OpenLink;
  setText(text: string) {
    this.text = String(text);
    return this;
  }
  setTopLabel(text: string) {
    this.topLabel = String(text);
    return this;
  }
  setBottomLabel(text: string) {
    this.bottomLabel = String(text);
    return this;
  }
  setWrapText(wrap: boolean) {
    this.wrapText = wrap === true;
    return this;
  }
  setButton(button: TextButton) {
    this.button = button;
    return this;
  }
  setOnClickAction(action: Action) {
    this.action = action;
    return this;
  }
  setOpenLink(link: OpenLink) {
    this.link = link;
    return this;
  }
  toJson(): Json {
    if (this.text === undefined) throw placeholderException('DecoratedText without text');
    const onClick = onClickJson(this);
    return {
      decoratedText: {
        text: this.text,
        ...(this.topLabel ? { topLabel: this.topLabel } : {}),
        ...(this.bottomLabel ? { bottomLabel: this.bottomLabel } : {}),
        ...(this.wrapText ? { wrapText: true } : {}),
        ...(this.button ? { button: this.button.button() } : {}),
        ...(onClick ? { onClick } : {}),
      },
    };
  }
}

class Divider extends Widget {
  toJson(): Json {
    return { divider: {} };
  }
}

class ImageWidget extends Widget {
  url?: string;
  alt?: string;
  setImageUrl(url: string) {
    this.url = String(url);
    return this;
  }
  setAltText(alt: string) {
    this.alt = String(alt);
    return this;
  }
  toJson(): Json {
    if (!this.url) throw placeholderException('Image without a url');
    return { image: { imageUrl: this.url, ...(this.alt ? { altText: this.alt } : {}) } };
  }
}

class TextInput extends Widget {
  fieldName?: string;
  title?: string;
  value?: string;
  hint?: string;
  setFieldName(name: string) {
    this.fieldName = String(name);
    return this;
  }
  setTitle(title: string) {
    this.title = String(title);
    return this;
  }
  setValue(value: string) {
    this.value = String(value);
    return this;
  }
  setHint(hint: string) {
    this.hint = String(hint);
    return this;
  }
  toJson(): Json {
    if (!this.fieldName) throw placeholderException('TextInput without a field name');
    return {
      textInput: {
        name: this.fieldName,
        ...(this.title ? { label: this.title } : {}),
        ...(this.value ? { value: this.value } : {}),
        ...(this.hint ? { hintText: this.hint } : {}),
      },
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cards

class CardHeader {
  fields: Record<string, string> = {};
  setTitle(t: string) {
    this.fields.title = String(t);
    return this;
  }
  setSubtitle(t: string) {
    this.fields.subtitle = String(t);
    return this;
  }
  setImageUrl(u: string) {
    this.fields.imageUrl = String(u);
    return this;
  }
  setImageAltText(t: string) {
    this.fields.imageAltText = String(t);
    return this;
  }
  setImageStyle(s: string) {
    this.fields.imageType = String(s);
    return this;
  }
}

class CardSection {
  header?: string;
  collapsible = false;
  readonly widgets: Widget[] = [];
  setHeader(header: string) {
    this.header = String(header);
    return this;
  }
  setCollapsible(c: boolean) {
    this.collapsible = c === true;
    return this;
  }
  setNumUncollapsibleWidgets(_n: number) {
    return this;
  }
  addWidget(widget: Widget) {
    if (!(widget instanceof Widget)) throw placeholderException('CardSection.addWidget needs a widget');
    this.widgets.push(widget);
    return this;
  }
  toJson(): Json {
    // "Any widgets beyond this limit are ignored."
    return {
      ...(this.header ? { header: this.header } : {}),
      ...(this.collapsible ? { collapsible: true } : {}),
      widgets: this.widgets.slice(0, MAX_WIDGETS).map((w) => w.toJson()),
    };
  }
}

class FixedFooter {
  primary?: TextButton;
  secondary?: TextButton;
  setPrimaryButton(b: TextButton) {
    this.primary = b;
    return this;
  }
  setSecondaryButton(b: TextButton) {
    this.secondary = b;
    return this;
  }
}

/** A built card: its JSON is fixed at build time, as Google's builders validate then. */
export class Card {
  constructor(readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
}

class CardBuilder {
  private header?: CardHeader;
  private name?: string;
  private footer?: FixedFooter;
  private readonly sections: CardSection[] = [];
  setHeader(header: CardHeader) {
    this.header = header;
    return this;
  }
  setName(name: string) {
    this.name = String(name);
    return this;
  }
  setFixedFooter(footer: FixedFooter) {
    this.footer = footer;
    return this;
  }
  addSection(section: CardSection) {
    if (!(section instanceof CardSection))
      throw placeholderException('CardBuilder.addSection needs a CardSection');
    this.sections.push(section);
    return this;
  }
  build(): Card {
    // "Each card must have at least one card section."
    if (this.sections.length === 0) throw placeholderException('A card needs at least one section');
    return new Card({
      ...(this.header ? { header: { ...this.header.fields } } : {}),
      ...(this.name ? { name: this.name } : {}),
      sections: this.sections.slice(0, MAX_SECTIONS).map((s) => s.toJson()),
      ...(this.footer
        ? {
            fixedFooter: {
              ...(this.footer.primary ? { primaryButton: this.footer.primary.button() } : {}),
              ...(this.footer.secondary ? { secondaryButton: this.footer.secondary.button() } : {}),
            },
          }
        : {}),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Action responses

class Notification {
  text?: string;
  setText(t: string) {
    this.text = String(t);
    return this;
  }
}

class Navigation {
  readonly steps: Json[] = [];
  pushCard(card: Card) {
    this.steps.push({ pushCard: card.json });
    return this;
  }
  updateCard(card: Card) {
    this.steps.push({ updateCard: card.json });
    return this;
  }
  popCard() {
    this.steps.push({ popCard: true });
    return this;
  }
  popToRoot() {
    this.steps.push({ popToRoot: true });
    return this;
  }
  popToNamedCard(name: string) {
    this.steps.push({ popToCard: String(name) });
    return this;
  }
}

export class ActionResponse {
  constructor(readonly json: Json) {}
  printJson(): string {
    return JSON.stringify(this.json, null, 2);
  }
}

class ActionResponseBuilder {
  private json: Json = {};
  setNotification(n: Notification) {
    this.json.notification = { text: n.text ?? '' };
    return this;
  }
  setNavigation(n: Navigation) {
    this.json.navigations = n.steps;
    return this;
  }
  setOpenLink(link: OpenLink) {
    this.json.openLink = link.toJson();
    return this;
  }
  setStateChanged(changed: boolean) {
    this.json.stateChanged = changed === true;
    return this;
  }
  build(): ActionResponse {
    return new ActionResponse({ ...this.json });
  }
}

export const cardService = strictService('CardService', {
  newCardBuilder: () => strictService('CardService.CardBuilder', new CardBuilder()),
  newCardHeader: () => strictService('CardService.CardHeader', new CardHeader()),
  newCardSection: () => strictService('CardService.CardSection', new CardSection()),
  newTextParagraph: () => strictService('CardService.TextParagraph', new TextParagraph()),
  newDecoratedText: () => strictService('CardService.DecoratedText', new DecoratedText()),
  newTextButton: () => strictService('CardService.TextButton', new TextButton()),
  newButtonSet: () => strictService('CardService.ButtonSet', new ButtonSet()),
  newDivider: () => strictService('CardService.Divider', new Divider()),
  newImage: () => strictService('CardService.Image', new ImageWidget()),
  newTextInput: () => strictService('CardService.TextInput', new TextInput()),
  newAction: () => strictService('CardService.Action', new Action()),
  newOpenLink: () => strictService('CardService.OpenLink', new OpenLink()),
  newFixedFooter: () => strictService('CardService.FixedFooter', new FixedFooter()),
  newActionResponseBuilder: () =>
    strictService('CardService.ActionResponseBuilder', new ActionResponseBuilder()),
  newNotification: () => strictService('CardService.Notification', new Notification()),
  newNavigation: () => strictService('CardService.Navigation', new Navigation()),
  TextButtonStyle: { TEXT: 'TEXT', FILLED: 'FILLED', OUTLINED: 'OUTLINED' },
  ImageStyle: { SQUARE: 'SQUARE', CIRCLE: 'CIRCLE' },
  LoadIndicator: { SPINNER: 'SPINNER', NONE: 'NONE' },
  OpenAs: { FULL_SIZE: 'FULL_SIZE', OVERLAY: 'OVERLAY' },
  OnClose: { NOTHING: 'NOTHING', RELOAD: 'RELOAD' },
});

// ---------------------------------------------------------------------------------------------------------------
// HTML

function buttonHtml(b: Json): string {
  const onClick = (b.onClick ?? {}) as {
    action?: { function: string; parameters?: unknown };
    openLink?: { url: string };
  };
  const text = escapeHtml(String(b.text ?? ''));
  if (onClick.openLink) {
    const url = /^https?:/i.test(onClick.openLink.url) ? escapeHtml(onClick.openLink.url) : '#';
    return `<a class="card-button" href="${url}" target="_blank" rel="noopener">${text}</a>`;
  }
  const fn = escapeHtml(onClick.action?.function ?? '');
  const params = escapeHtml(JSON.stringify(onClick.action?.parameters ?? []));
  return `<button type="button" class="card-button" data-function="${fn}" data-parameters="${params}"${b.disabled ? ' disabled' : ''}>${text}</button>`;
}

function widgetHtml(w: Json): string {
  if (w.textParagraph)
    return `<p class="card-text">${cardTextToHtml(String((w.textParagraph as Json).text))}</p>`;
  if (w.decoratedText) {
    const d = w.decoratedText as Json;
    return (
      '<div class="card-decorated">' +
      (d.topLabel ? `<div class="card-label">${cardTextToHtml(String(d.topLabel))}</div>` : '') +
      `<div>${cardTextToHtml(String(d.text))}</div>` +
      (d.bottomLabel ? `<div class="card-label">${cardTextToHtml(String(d.bottomLabel))}</div>` : '') +
      (d.button ? buttonHtml(d.button as Json) : '') +
      '</div>'
    );
  }
  if (w.buttonList)
    return `<div class="card-buttons">${((w.buttonList as Json).buttons as Json[]).map(buttonHtml).join('')}</div>`;
  if (w.divider) return '<hr class="card-divider">';
  if (w.image) {
    const img = w.image as Json;
    const url = /^https?:/i.test(String(img.imageUrl)) ? escapeHtml(String(img.imageUrl)) : '';
    return `<img class="card-image" src="${url}" alt="${escapeHtml(String(img.altText ?? ''))}">`;
  }
  if (w.textInput) {
    const t = w.textInput as Json;
    return `<label class="card-input">${escapeHtml(String(t.label ?? ''))}<input name="${escapeHtml(String(t.name))}" value="${escapeHtml(String(t.value ?? ''))}"></label>`;
  }
  return '';
}

/** A built card's JSON as HTML (class names prefixed `card-` for the page's stylesheet). */
export function renderCardHtml(card: Json): string {
  const header = card.header as Record<string, string> | undefined;
  const parts = ['<div class="card">'];
  if (header) {
    parts.push('<div class="card-header">');
    if (header.imageUrl && /^https?:/i.test(header.imageUrl))
      parts.push(`<img class="card-header-image" src="${escapeHtml(header.imageUrl)}" alt="">`);
    parts.push(`<div class="card-title">${escapeHtml(header.title ?? '')}</div>`);
    if (header.subtitle) parts.push(`<div class="card-subtitle">${escapeHtml(header.subtitle)}</div>`);
    parts.push('</div>');
  }
  for (const section of (card.sections as Json[]) ?? []) {
    parts.push('<section class="card-section">');
    if (section.header)
      parts.push(`<div class="card-section-header">${cardTextToHtml(String(section.header))}</div>`);
    for (const w of (section.widgets as Json[]) ?? []) parts.push(widgetHtml(w));
    parts.push('</section>');
  }
  parts.push('</div>');
  return parts.join('');
}
