/**
 * Die deutschen Texte: jeder Schlüssel aus en.ts, typgeprüft (catalogue.ts). Sie-Form, kurz und ruhig; Fachwörter
 * wie in deutschen Sicherheitsprodukten: Anteil (Shard), Schwellenwert, Zeuge, Verwahrer, Transkript, Fingerabdruck.
 */
import type { Catalogue } from './catalogue';

export const de: Catalogue = {
  'shell.skip': 'Zum Bildschirminhalt springen',
  'shell.home': 'Startseite',

  'start.purpose': 'Schlüsselzeremonien offline: einen Schlüssel auf Verwahrer aufteilen, wiederherstellen, das Protokoll prüfen',
  'start.title': 'Was möchten Sie tun?',
  'start.lead': 'Wählen Sie eine Möglichkeit. Mit Tab wechseln Sie zwischen den Möglichkeiten, mit Enter öffnen Sie eine.',
  'start.new.title': 'Neue Zeremonie',
  'start.new.text': 'Planen Sie, wer die Anteile verwahrt und wer zusieht; dann wird der Schlüssel erzeugt und aufgeteilt.',
  'start.resume.title': 'Zeremonie fortsetzen',
  'start.resume.text': 'Eine unterbrochene Zeremonie aus ihrer Transkriptdatei fortsetzen.',
  'start.recover.title': 'Schlüssel wiederherstellen',
  'start.recover.text': 'Die Anteile der Verwahrer einlesen und den Schlüssel wiederherstellen.',
  'start.verify.title': 'Transkript prüfen',
  'start.verify.text': 'Prüfen, ob ein Zeremonieprotokoll vollständig, unverändert und signiert ist.',
  'start.language': 'Sprache',
  'start.language.note': 'Bildschirme und Papier in dieser Sprache; das Zeremonie-Transkript hält sie fest.',

  'about.summary': 'Über diesen Build',
  'about.asking': 'Die App wird gefragt …',
  'about.none': 'Die App hat nicht angegeben, welcher Build dies ist. Führen Sie damit keine Zeremonie durch, bis sie es tut.',
  'about.version':
    'keyshard {version} ({platform}, {arch}). Lesen Sie diese Hashes vor und vergleichen Sie sie mit den für diese Version veröffentlichten; jedes Zeremonie-Transkript hält sie ebenfalls fest.',
  'about.renderer': 'Bildschirme (Renderer-Bundle) SHA-256',
  'about.main': 'Hauptprozess (Main-Bundle) SHA-256',
  'about.noBuild':
    'Entwicklungs-Build ohne Hash: Diese Kopie läuft aus den Quellen, es gibt also nichts zu vergleichen. Verwenden Sie für eine echte Zeremonie ein gebautes Release.',

  'notFound.purpose': 'Diesen Bildschirm gibt es nicht',
  'notFound.title': 'Hier gibt es keinen Bildschirm',
  'notFound.text': 'keyshard hat keinen Bildschirm namens {path}. Es wurde nichts geändert.',
  'notFound.home': 'Zur Startseite',
};
