# UI strings of this campus (Fluent, https://projectfluent.org/). The
# built-in theme has its own; a message here replaces the theme's message
# with the same key, and new keys can be used by templates of your own in
# templates/. Keep the same keys in locales/es/ and locales/en/.

# A new key of this campus, used by footer-text below.
site-tagline = Cursos abertos, leves e em três idiomas
# Replaces the theme's footer text.
footer-text = { site-tagline }. Todas as páginas funcionam sem JavaScript e sem conexão.
