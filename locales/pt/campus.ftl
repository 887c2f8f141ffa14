# UI strings of this campus, layered over the theme's
# (themes/default/locales/pt/main.ftl) message by message: a key the theme
# also has replaces the theme's text; the other keys are the campus's own
# and are used by its templates/. See docs/theming.md.

## The campus's own strings
campus-tagline = Ensinar e aprender mesmo quando falham a energia, a rede ou o calendário
# Used by templates/partials/tags.html, at the end of every content page.
campus-reuse-label = Reutilize este material:
campus-reuse = você pode copiá-lo, adaptá-lo e traduzi-lo, inclusive no ambiente virtual da sua universidade, desde que cite o Campus Aberto e compartilhe suas alterações sob a mesma licença (CC BY-SA 4.0).

## Theme strings this campus words its own way
footer-text = { campus-tagline }. Todas as páginas funcionam sem JavaScript e sem conexão; feito com o aula.
