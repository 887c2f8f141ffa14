## The self-declared completion page (templates/certificate.html)

certificate-title = Certificate of completion
certificate-heading = Print your completion certificate
certificate-how = Type your name (and the date, if you like), then print this page or save it as PDF with your browser's Print command (Ctrl+P, or Share › Print on a phone). Nothing you type leaves this page.
certificate-self-declared = Self-declared
certificate-not-verified = This is not a verified credential: nobody checked who you are or what you did. To earn the badge, follow its criteria with the institution that awards it.
certificate-name = Name
certificate-date = Date
certificate-signature = Signature
certificate-declares-course = declares having completed every module of the course
certificate-declares-itinerary = declares having completed every course of the itinerary
certificate-parts-course = Modules
certificate-parts-itinerary = Courses
certificate-back-course = ← Back to the course
certificate-back-itinerary = ← Back to the itinerary
certificate-fine = Printed from { $site }. Self-declared by the person named above; not verified, signed or recorded by anyone.

## Course and itinerary pages

# Links to the badge's definition files, for learning platforms.
open-badges = Badge definition for learning platforms
