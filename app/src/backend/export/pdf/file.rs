//! The PDF file itself: objects, fonts, the structure tree, metadata, the cross-reference
//! table and the trailer.

use super::{BOLD, Doc, PAGE_H, PAGE_W, REGULAR};
use crate::backend::common::deflate;
use crate::backend::logo::Logo;
use crate::error::AppError;
use crate::i18n::Lang;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

/// The fonts compressed once per process: they are the bulk of every report.
fn compressed_fonts() -> Result<&'static [Vec<u8>; 2], AppError> {
    static FONTS: OnceLock<Option<[Vec<u8>; 2]>> = OnceLock::new();
    FONTS
        .get_or_init(|| Some([deflate(REGULAR).ok()?, deflate(BOLD).ok()?]))
        .as_ref()
        .ok_or(AppError::Internal)
}

/// A PDF text string: UTF-16BE with its byte order mark, in hex.
fn text_string(text: &str) -> String {
    let mut out = String::from("<FEFF");
    for unit in text.encode_utf16() {
        let _ = write!(out, "{unit:04X}");
    }
    out.push('>');
    out
}

/// Writes the objects, the cross-reference table and the trailer.
pub(super) fn assemble(
    doc: &mut Doc,
    title: &str,
    lang: Lang,
    logo: Option<&Logo>,
) -> Result<Vec<u8>, AppError> {
    let fonts = compressed_fonts()?;
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets: Vec<usize> = Vec::new();
    let page_count = doc.pages.len();
    // Objects: 1 catalog, 2 pages, 3 info, 4..=13 the two fonts (5 each), then a page and
    // its content per page, then the structure tree root, one object per structure
    // element, the parent tree and the XMP metadata.
    let first_page = 14;
    let page_ref = |index: usize| first_page + 2 * index;
    let struct_root = first_page + 2 * page_count;
    let elem_ref = |index: usize| struct_root + 1 + index;
    let parent_tree = struct_root + 1 + doc.elems.len();
    let metadata = parent_tree + 1;
    // The logo's image and its transparency mask come last.
    let logo_ref = metadata + 1;
    let logo_resource = match logo {
        Some(_) => format!(" /XObject << /Logo {logo_ref} 0 R >>"),
        None => String::new(),
    };
    let object = |out: &mut Vec<u8>, offsets: &mut Vec<usize>, body: &[u8]| {
        offsets.push(out.len());
        let number = offsets.len();
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let stream = |dict: &str, data: &[u8]| -> Vec<u8> {
        let mut body = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(b"\nendstream");
        body
    };

    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Catalog /Pages 2 0 R /Lang ({}) /ViewerPreferences << /DisplayDocTitle true >> \
             /MarkInfo << /Marked true >> /StructTreeRoot {struct_root} 0 R /Metadata {metadata} 0 R >>",
            lang.code()
        )
        .as_bytes(),
    );
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", page_ref(i)))
        .collect();
    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        )
        .as_bytes(),
    );
    object(
        &mut out,
        &mut offsets,
        format!("<< /Title {} /Producer (Mitreden) >>", text_string(title)).as_bytes(),
    );
    for (index, font) in doc.fonts.iter().enumerate() {
        let base = 4 + index * 5;
        let face = &font.face;
        let bbox = face.global_bounding_box();
        let s = font.scale;
        #[allow(clippy::cast_possible_truncation)]
        let scaled = |v: i16| (f32::from(v) * s).round() as i32;
        let mut widths = String::new();
        for glyph in font.used.keys() {
            let _ = write!(widths, "{glyph} [{:.0}] ", font.advance(*glyph));
        }
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{name} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                base + 1,
                base + 4,
                name = font.name
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{name} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /DW 600 /W [{widths}] /CIDToGIDMap /Identity >>",
                base + 2,
                name = font.name
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /FontDescriptor /FontName /{name} /Flags 32 \
                 /FontBBox [{} {} {} {}] /ItalicAngle 0 /Ascent {} /Descent {} \
                 /CapHeight {} /StemV 80 /FontFile2 {} 0 R >>",
                scaled(bbox.x_min),
                scaled(bbox.y_min),
                scaled(bbox.x_max),
                scaled(bbox.y_max),
                scaled(face.ascender()),
                scaled(face.descender()),
                scaled(face.capital_height().unwrap_or(face.ascender())),
                base + 3,
                name = font.name
            )
            .as_bytes(),
        );
        let original = if index == 0 {
            REGULAR.len()
        } else {
            BOLD.len()
        };
        object(
            &mut out,
            &mut offsets,
            &stream(
                &format!("/Filter /FlateDecode /Length1 {original}"),
                &fonts[index],
            ),
        );
        object(
            &mut out,
            &mut offsets,
            &stream(
                "/Filter /FlateDecode",
                &deflate(to_unicode(&font.used).as_bytes())?,
            ),
        );
    }
    for (index, page) in doc.pages.iter().enumerate() {
        let number = offsets.len() + 1;
        object(
            &mut out,
            &mut offsets,
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_W} {PAGE_H}] \
                 /Resources << /Font << /F1 4 0 R /F2 9 0 R >>{} >> /Contents {} 0 R \
                 /StructParents {index} /Tabs /S >>",
                if index == 0 {
                    logo_resource.as_str()
                } else {
                    ""
                },
                number + 1
            )
            .as_bytes(),
        );
        object(
            &mut out,
            &mut offsets,
            &stream("/Filter /FlateDecode", &deflate(page.as_bytes())?),
        );
    }
    // The tag tree: its root, the elements in document order, and for each page the
    // element of each of its marked-content sequences.
    object(
        &mut out,
        &mut offsets,
        format!(
            "<< /Type /StructTreeRoot /K [{} 0 R] /ParentTree {parent_tree} 0 R \
             /ParentTreeNextKey {page_count} >>",
            elem_ref(0)
        )
        .as_bytes(),
    );
    for (index, elem) in doc.elems.iter().enumerate() {
        let parent = if index == 0 {
            struct_root
        } else {
            elem_ref(elem.parent)
        };
        let mut kids: Vec<String> = elem
            .children
            .iter()
            .map(|child| format!("{} 0 R", elem_ref(*child)))
            .collect();
        kids.extend(elem.marked.iter().map(|(page, mcid)| {
            format!("<< /Type /MCR /Pg {} 0 R /MCID {mcid} >>", page_ref(*page))
        }));
        let mut body = format!(
            "<< /Type /StructElem /S /{} /P {parent} 0 R /K [{}]",
            elem.role,
            kids.join(" ")
        );
        if let Some(alt) = &elem.alt {
            let _ = write!(body, " /Alt {}", text_string(alt));
        }
        if let Some(attributes) = elem.attributes {
            let _ = write!(body, " /A {attributes}");
        }
        body.push_str(" >>");
        object(&mut out, &mut offsets, body.as_bytes());
    }
    let mut nums = String::new();
    for (page, elements) in doc.marks.iter().enumerate() {
        let refs: Vec<String> = elements
            .iter()
            .map(|element| format!("{} 0 R", elem_ref(*element)))
            .collect();
        let _ = write!(nums, "{page} [{}] ", refs.join(" "));
    }
    object(
        &mut out,
        &mut offsets,
        format!("<< /Nums [{nums}] >>").as_bytes(),
    );
    let xmp = xmp_metadata(title, lang);
    object(
        &mut out,
        &mut offsets,
        &stream("/Type /Metadata /Subtype /XML", xmp.as_bytes()),
    );
    if let Some(logo) = logo {
        let image = |color_space: &str, filter: &str, extra: &str| {
            format!(
                "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{color_space} \
                 /BitsPerComponent 8 /Filter /{filter}{extra}",
                logo.width, logo.height
            )
        };
        let mask = match &logo.alpha {
            Some(_) => format!(" /SMask {} 0 R", logo_ref + 1),
            None => String::new(),
        };
        object(
            &mut out,
            &mut offsets,
            &stream(&image(logo.color_space, logo.filter, &mask), &logo.data),
        );
        if let Some(alpha) = &logo.alpha {
            object(
                &mut out,
                &mut offsets,
                &stream(&image("DeviceGray", "FlateDecode", ""), alpha),
            );
        }
    }

    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
    for offset in &offsets {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R /Info 3 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        offsets.len() + 1
    );
    out.extend_from_slice(table.as_bytes());
    Ok(out)
}

/// The document's XMP metadata: title, language, and the PDF/UA-1 identification.
fn xmp_metadata(title: &str, lang: Lang) -> String {
    let title = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
         <x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
         <rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\">\n\
         <dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
         <dc:language><rdf:Bag><rdf:li>{}</rdf:li></rdf:Bag></dc:language>\n\
         <dc:format>application/pdf</dc:format>\n\
         <pdf:Producer>Mitreden</pdf:Producer>\n\
         <pdfuaid:part>1</pdfuaid:part>\n\
         </rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        lang.code()
    )
}

/// The map from glyph ids back to characters, so text can be searched and copied.
fn to_unicode(used: &BTreeMap<u16, char>) -> String {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    let entries: Vec<(&u16, &char)> = used.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for (glyph, c) in chunk {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{glyph:04X}> <{utf16}>");
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap
}
