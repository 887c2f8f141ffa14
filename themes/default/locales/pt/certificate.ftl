## A página de conclusão autodeclarada (templates/certificate.html)

certificate-title = Certificado de conclusão
certificate-heading = Imprima seu certificado de conclusão
certificate-how = Digite seu nome (e a data, se quiser) e imprima esta página ou salve-a como PDF com o comando Imprimir do navegador (Ctrl+P, ou Compartilhar › Imprimir no celular). Nada do que você digitar sai desta página.
certificate-self-declared = Autodeclarado
certificate-not-verified = Não é uma credencial verificada: ninguém conferiu quem você é nem o que você fez. Para obter o selo, cumpra seus critérios com a instituição que o concede.
certificate-name = Nome
certificate-date = Data
certificate-signature = Assinatura
certificate-declares-course = declara ter concluído todos os módulos do curso
certificate-declares-itinerary = declara ter concluído todos os cursos do itinerário
certificate-parts-course = Módulos
certificate-parts-itinerary = Cursos
certificate-back-course = ← Voltar ao curso
certificate-back-itinerary = ← Voltar ao itinerário
certificate-fine = Impresso a partir de { $site }. Autodeclarado pela pessoa nomeada acima; ninguém o verificou, assinou ou registrou.

## Páginas de curso e itinerário

# Links para os arquivos que definem o selo, para plataformas de aprendizagem.
open-badges = Definição do selo para plataformas de aprendizagem
