# Progress strings of the default theme (aula.js): Portuguese (Brazil).
# Shown only when script runs. In progress-course and progress-imported the
# variables are filled in by the script in the browser, so they cannot
# choose a plural form: write them so any number reads well.

## Module page
progress-mark = Concluí este módulo
progress-mark-quiz = Ele também é marcado quando você acerta todas as suas perguntas.
progress-quiz-done = Você acertou todas as perguntas: módulo concluído.

## Marks in outlines, course pages and lists
progress-done = Concluído
progress-course = Módulos concluídos: { $done } de { $total } ({ $percent } %)

## Footer tools
progress-title = Seu progresso
progress-about = Fica guardado só neste navegador; nada é enviado a lugar nenhum. Baixe-o para continuar em outro aparelho ou antes de deixar um computador compartilhado.
progress-export = Baixar meu progresso
progress-import = Carregar um progresso baixado
progress-forget = Esquecer meu progresso
progress-forget-confirm = Apagar deste navegador todo o seu progresso? Não dá para desfazer, a menos que você o tenha baixado antes.
progress-forgotten = Seu progresso foi apagado deste navegador.
progress-imported = Progresso carregado. Módulos concluídos: { $count }.
progress-import-bad = Esse arquivo não é um progresso baixado deste campus.
