# UI strings of this campus (Fluent, https://projectfluent.org/). The
# built-in theme has its own; a message here replaces the theme's message
# with the same key, and new keys can be used by templates of your own in
# templates/. Keep the same keys in locales/en/ and locales/pt/.

# A new key of this campus, used by footer-text below.
site-tagline = Cursos abiertos, livianos y en tres idiomas
# Replaces the theme's footer text.
footer-text = { site-tagline }. Todas las páginas funcionan sin JavaScript y sin conexión.
