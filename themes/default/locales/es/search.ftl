# Search strings of the default theme (search.html, search.js): Spanish
# (Latin America). In search-count the variables are filled in by the
# script in the browser, so it cannot choose a plural form: write it so any
# number reads well.
nav-search = Buscar
search-title = Buscar en el campus
search-label = Palabras que buscas
search-hint = Los resultados aparecen mientras escribes. Antes de eso no se descarga nada.
search-needs-script = La búsqueda necesita JavaScript, que está desactivado en este navegador.
search-offline = La búsqueda no funciona en páginas abiertas desde un disco o una copia sin conexión.
search-unavailable = Este campus se generó sin búsqueda.
search-not-built = La búsqueda se genera con `aula build`; esta vista previa (`aula serve`) no tiene índice.
search-failed = No se pudo cargar el índice de búsqueda.
search-browse = Recorre la lista de cursos.
search-loading = Buscando…
search-count = Resultados para «{ $query }»: { $count }
search-none = No se encontró nada para «{ $query }». Prueba con otra palabra o con menos palabras.
