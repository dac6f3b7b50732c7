/**
 * Name material for generated customers. Armenian-script and Latin lists are
 * parallel (same index = same name, transliterated) so both spellings occur.
 */

export const ARMENIAN_FIRST = [
  'Արամ', 'Անի', 'Դավիթ', 'Մարիամ', 'Տիգրան', 'Նարե', 'Հայկ', 'Լիլիթ',
  'Գոռ', 'Սոնա', 'Արմեն', 'Աննա', 'Վահե', 'Էլեն', 'Նարեկ', 'Գայանե',
];

export const ARMENIAN_FIRST_LATIN = [
  'Aram', 'Ani', 'Davit', 'Mariam', 'Tigran', 'Nare', 'Hayk', 'Lilit',
  'Gor', 'Sona', 'Armen', 'Anna', 'Vahe', 'Elen', 'Narek', 'Gayane',
];

export const ARMENIAN_LAST = [
  'Պետրոսյան', 'Հակոբյան', 'Սարգսյան', 'Գրիգորյան', 'Հովհաննիսյան', 'Խաչատրյան',
  'Մկրտչյան', 'Ավետիսյան', 'Կարապետյան', 'Վարդանյան', 'Ղազարյան', 'Մանուկյան',
];

export const ARMENIAN_LAST_LATIN = [
  'Petrosyan', 'Hakobyan', 'Sargsyan', 'Grigoryan', 'Hovhannisyan', 'Khachatryan',
  'Mkrtchyan', 'Avetisyan', 'Karapetyan', 'Vardanyan', 'Ghazaryan', 'Manukyan',
];

export const PORTUGUESE_FIRST = [
  'João', 'Inês', 'Tomás', 'Beatriz', 'Gonçalo', 'Leonor', 'Martim', 'Matilde',
  'Duarte', 'Mariana', 'André', 'Lúcia', 'Estêvão', 'Conceição', 'Rui', 'Sónia',
];

export const PORTUGUESE_LAST = [
  'Gonçalves', 'Araújo', 'Simões', 'Magalhães', 'Brandão', 'Guimarães',
  'Loureiro', 'Fernandes', 'Sá', 'Câmara', 'Assunção', 'Falcão',
];

/** Full names of customers who are neither Armenian nor Portuguese. */
export const EXPAT_NAMES = [
  'Zoë Müller', 'Łukasz Wójcik', 'Søren Ødegaard', "Chloé D'Amico", "Siobhán O'Brien",
  'Björn Åström', 'Ирина Смирнова', '山田 太郎', 'Nguyễn Thị Hương', 'José María Núñez',
  'François Lefèvre', 'Dağhan Öztürk',
];
