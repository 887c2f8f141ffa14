# Search strings of the default theme (search.html, search.js): English.
# In search-count the variables are filled in by the script in the
# browser, so it cannot choose a plural form: write it so any number
# reads well.
nav-search = Search
search-title = Search the campus
search-label = Words to look for
search-hint = Results appear as you type. Nothing is downloaded before that.
search-needs-script = Search needs JavaScript, which is off in this browser.
search-offline = Search does not work in pages opened from a disk or an offline copy.
search-unavailable = This campus was built without search.
search-not-built = Search is built by `aula build`; this preview (`aula serve`) has no index.
search-failed = The search index could not be loaded.
search-browse = Browse the list of courses instead.
search-loading = Searching…
search-count = Results for “{ $query }”: { $count }
search-none = Nothing found for “{ $query }”. Try another word, or fewer words.
