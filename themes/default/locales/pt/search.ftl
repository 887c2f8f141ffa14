# Search strings of the default theme (search.html, search.js): Portuguese
# (Brazil). In search-count the variables are filled in by the script in
# the browser, so it cannot choose a plural form: write it so any number
# reads well.
nav-search = Pesquisar
search-title = Pesquisar no campus
search-label = Palavras que você procura
search-hint = Os resultados aparecem enquanto você digita. Nada é baixado antes disso.
search-needs-script = A pesquisa precisa de JavaScript, que está desativado neste navegador.
search-offline = A pesquisa não funciona em páginas abertas a partir de um disco ou de uma cópia offline.
search-unavailable = Este campus foi gerado sem pesquisa.
search-not-built = A pesquisa é gerada com `aula build`; esta prévia (`aula serve`) não tem índice.
search-failed = Não foi possível carregar o índice de pesquisa.
search-browse = Navegue pela lista de cursos.
search-loading = Pesquisando…
search-count = Resultados para “{ $query }”: { $count }
search-none = Nada encontrado para “{ $query }”. Tente outra palavra ou menos palavras.
