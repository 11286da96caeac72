import type { Attachment } from './attachment-record';

/**
 * The only types the inbox ever shows in the page (as `<img>` or `<video>`, never in a frame),
 * and only for a cleaned copy: decoded as pictures or video, none of them can run script. SVG,
 * HTML, PDF and everything else are downloads only. Pure: the browser code reads it too.
 */
export const INLINE_IMAGE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
] as const;
export const INLINE_VIDEO_TYPES = ['video/mp4', 'video/quicktime'] as const;

/** `img`, `video`, or undefined for a file that is never inlined. */
export function inlineElement(a: Pick<Attachment, 'mime' | 'cleaning'>): 'img' | 'video' | undefined {
  if (a.cleaning.status !== 'cleaned') return undefined;
  if ((INLINE_IMAGE_TYPES as readonly string[]).includes(a.mime)) return 'img';
  if ((INLINE_VIDEO_TYPES as readonly string[]).includes(a.mime)) return 'video';
  return undefined;
}
