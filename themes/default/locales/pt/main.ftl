# UI strings of the default theme: Portuguese (Brazil).
# Every key here exists in es/ and en/ too; a site overrides any of them in
# its own locales/pt/*.ftl.

## Header, navigation and footer
skip-link = Pular para o conteúdo
nav-label = Navegação principal
nav-home = Início
nav-courses = Cursos
nav-guidelines = Guias
nav-itineraries = Itinerários
language-switcher = Idioma
translation-missing = sem tradução
translation-notice = Esta página ainda não foi traduzida para o português; mostramos a versão em { $source ->
    [es] espanhol
    [en] inglês
   *[other] seu idioma original
}.
translation-fallback = { $source ->
    [en] em inglês
    [pt] em português
    [es] em espanhol
   *[other] em outro idioma
}
breadcrumb = Você está em
footer-text = Feito com aula. Todas as páginas funcionam sem JavaScript e sem conexão.

## Page parts
toc-title = Nesta página
pager-label = Módulo anterior e próximo
previous = Anterior
next = Próximo
course-outline = Módulos do curso
module-position = Módulo { $index } de { $total }
objectives = Objetivos de aprendizagem
tags = Temas
section-empty = Ainda não há nada publicado nesta seção.
view-all-courses = Ver todos os cursos
view-all-guidelines = Ver todos os guias
view-all-itineraries = Ver todos os itinerários
start-course = Começar o curso
itinerary-courses = Cursos do itinerário

## Metadata
duration = Duração
total-duration = Duração total
duration-minutes = { $minutes } min
duration-hours = { $minutes ->
    [0] { $hours } h
   *[other] { $hours } h { $minutes } min
}
reading-time = Leitura
reading-minutes = { $minutes } min
updated = Atualizado em
date-long = { $day ->
    [1] 1º
   *[other] { $day }
} de { $month ->
    [1] janeiro
    [2] fevereiro
    [3] março
    [4] abril
    [5] maio
    [6] junho
    [7] julho
    [8] agosto
    [9] setembro
    [10] outubro
    [11] novembro
   *[12] dezembro
} de { $year }
level = Nível
modules = Módulos
module-count = { $count ->
    [one] { $count } módulo
   *[other] { $count } módulos
}
course-count = { $count ->
    [one] { $count } curso
   *[other] { $count } cursos
}
authors = { $count ->
    [one] Autoria
   *[other] Autoria
}
license = Licença
prerequisites = Pré-requisitos
prerequisites-none = Nenhum
badge = Selo
badge-criteria = Para obtê-lo
audience = Público
version = Versão
credential = Certificado
credential-hours = Carga horária
credential-criteria = Requisitos
hours = { $hours ->
    [one] { $hours } hora
   *[other] { $hours } horas
}

## Cursos, itinerários e conclusão
course-in-itineraries = Faz parte destes itinerários
completion-title = Conclusão
completion-text = Você chegou ao fim de { $course }.
completion-back = Voltar à página do curso
completion-next = Próximo em { $itinerary }:
completion-path-done = Este é o último curso de { $itinerary }.
certificate-link = Imprimir um certificado de conclusão (autodeclarado)

## Language chooser and page not found (each shown in its own language)
chooser-heading = Escolha seu idioma
not-found-title = Página não encontrada
not-found-text = O endereço que você procura não existe ou mudou de lugar.
not-found-home = Ir para o início do { $site }

## Translators' status page (not linked from learner navigation)
translations-title = Situação das traduções
translations-intro = Quais páginas estão em dia, desatualizadas ou sem tradução em cada idioma. Gerado pelo aula a cada compilação.
translations-command = O mesmo relatório em um terminal:
translations-summary = { $pages ->
    [one] { $pages } página
   *[other] { $pages } páginas
}: { $outdated ->
    [one] { $outdated } desatualizada
   *[other] { $outdated } desatualizadas
}, { $missing } sem tradução, { $untracked } sem acompanhamento.
translations-section = Seção
translations-item = Item
translations-pages = Páginas
translations-details = Detalhe por página
translations-page = Página
translations-other-pages = Outras páginas
status-source = original
status-up-to-date = em dia
status-outdated = desatualizada
status-untracked = sem acompanhamento
status-missing = falta
chooser-remember = Sua escolha fica salva neste navegador.
not-found-other-languages = Esta seção em outros idiomas:
