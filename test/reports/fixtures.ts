import type { FileField } from '../helpers/forms.js';
import { exifSegment, fixture, jpegWith, pdfFile } from '../evidence/media/builders.js';

// A valid report as a villager in 南关区 (长春市) would fill it in.
export function reportFields(over: Record<string, string> = {}): Record<string, string> {
  return {
    category: 'favouritism',
    prefecture: '220100',
    county: '220102',
    township: '220102001',
    village: '220102001001',
    place_other: '',
    subject_name: '王德福',
    subject_position: 'village_cadre',
    description: '村主任把他弟弟一家评成了低保户，他弟弟家有两台拖拉机，根本不困难。',
    happened_at: '2026年3月',
    identity_mode: 'anonymous',
    ...over,
  };
}

/** Evidence as the form's file field carries it: a phone photo with EXIF and GPS, a PDF list, a tagged recording. */
export const photoField = (): FileField => ({ name: 'evidence', filename: '现场照片.jpg', content: jpegWith(exifSegment()), type: 'image/jpeg' });
export const pdfField = (): FileField => ({ name: 'evidence', filename: '公示名单.pdf', content: pdfFile(), type: 'application/pdf' });
export const voiceField = (): FileField => ({ name: 'evidence', filename: '录音.mp3', content: fixture('tagged.mp3'), type: 'audio/mpeg' });
