# UI strings of this campus, layered over the theme's
# (themes/default/locales/es/main.ftl) message by message: a key the theme
# also has replaces the theme's text; the other keys are the campus's own
# and are used by its templates/. See docs/theming.md.

## The campus's own strings
campus-tagline = Enseñar y aprender aunque falle la luz, la red o el calendario
# Used by templates/partials/tags.html, at the end of every content page.
campus-reuse-label = Reutiliza este material:
campus-reuse = puedes copiarlo, adaptarlo y traducirlo, también en el aula virtual de tu universidad, si citas al Campus Abierto y compartes tus cambios con la misma licencia (CC BY-SA 4.0).

## Theme strings this campus words its own way
footer-text = { campus-tagline }. Todas las páginas funcionan sin JavaScript y sin conexión; hecho con aula.
