"""Build ``seed.jsonl``: the hand-written seed set (run: ``python data/seed/build_seed.py``).

Every text here was written for pantau (no third-party text). Partisan templates are written
once and filled for EVERY side of both watched contests (Pilpres 2024, Pilkada DKI 2024), so each
side gets exactly the same number of support and oppose posts with the same wording: the model
cannot learn that a name predicts a label. Neutral and unrelated posts are partly side-free
(KPU schedules, neutrality reminders, daily life) and partly filled for every side too (factual
news about a candidate in office, people who share a candidate's first name).

Labels follow ``LABELING.md`` v1; the author is an LLM (see ``LABELLER``). The output is
deterministic: ids are stable across runs as long as the templates keep their order.
"""

from __future__ import annotations

import json
from pathlib import Path

LABELLER = "llm:claude (written per LABELING.md v1)"
OUT = Path(__file__).with_name("seed.jsonl")

# One entry per watched side. Slots used by the templates:
# pair, cand (lead candidate), vice, nick (pair nickname), num ("01"), digit ("1"),
# tag (campaign hashtag), slogan, office, contest, region, day (voting day), first (given name
# that ordinary people also carry), job (office held now, for factual news).
SIDES: list[dict[str, str]] = [
    {
        "key": "anies-muhaimin", "pair": "Anies-Muhaimin", "cand": "Anies", "vice": "Cak Imin",
        "nick": "AMIN", "num": "01", "digit": "1", "tag": "#AniesMuhaimin2024", "slogan": "perubahan",
        "office": "presiden", "contest": "pilpres", "region": "Indonesia",
        "day": "14 Februari", "first": "Anies", "job": "mantan gubernur DKI Anies Baswedan",
    },
    {
        "key": "prabowo-gibran", "pair": "Prabowo-Gibran", "cand": "Prabowo", "vice": "Mas Gibran",
        "nick": "Prabowo-Gibran", "num": "02", "digit": "2", "tag": "#PrabowoGibran2024",
        "slogan": "Indonesia Maju", "office": "presiden", "contest": "pilpres",
        "region": "Indonesia", "day": "14 Februari", "first": "Gibran",
        "job": "Menhan Prabowo Subianto",
    },
    {
        "key": "ganjar-mahfud", "pair": "Ganjar-Mahfud", "cand": "Ganjar", "vice": "Pak Mahfud",
        "nick": "Ganjar-Mahfud", "num": "03", "digit": "3", "tag": "#GanjarMahfud2024",
        "slogan": "sat set", "office": "presiden", "contest": "pilpres", "region": "Indonesia",
        "day": "14 Februari", "first": "Ganjar", "job": "Menko Polhukam Mahfud MD",
    },
    {
        "key": "ridwankamil-suswono", "pair": "Ridwan Kamil-Suswono", "cand": "Ridwan Kamil",
        "vice": "Pak Suswono", "nick": "RIDO", "num": "01", "digit": "1", "tag": "#RIDO",
        "slogan": "Jakarta Baru", "office": "gubernur", "contest": "pilgub",
        "region": "Jakarta", "day": "27 November", "first": "Ridwan",
        "job": "mantan gubernur Jabar Ridwan Kamil",
    },
    {
        "key": "dharma-kun", "pair": "Dharma Pongrekun-Kun Wardana", "cand": "Dharma Pongrekun",
        "vice": "Bang Kun",
        "nick": "Dharma-Kun", "num": "02", "digit": "2", "tag": "#DharmaKun",
        "slogan": "Jakarta Tertata", "office": "gubernur", "contest": "pilgub",
        "region": "Jakarta", "day": "27 November", "first": "Dharma",
        "job": "purnawirawan Polri Dharma Pongrekun",
    },
    {
        "key": "pramono-rano", "pair": "Pramono Anung-Rano Karno", "cand": "Mas Pram",
        "vice": "Bang Doel",
        "nick": "Pram-Doel", "num": "03", "digit": "3", "tag": "#PramonoRano",
        "slogan": "Jakarta Menyala", "office": "gubernur", "contest": "pilgub",
        "region": "Jakarta", "day": "27 November", "first": "Rano",
        "job": "Seskab Pramono Anung",
    },
]

SUPPORT = [
    "Bismillah, tanggal {day} fix coblos {num}! {tag}",
    "udh mantap bgt pilihan sy: {pair} utk {region} yg lebih baik 🙏 {tag}",
    "Salam {digit} jari dari kantor kelurahan 😁✌ {tag}",
    "Yuk keluarga besar, jgn ragu lagi, {nick} pilihan paling masuk akal. Coblos nomor {num}",
    "{cand} itu pemimpin yg kerjanya nyata, gak cuma omon2. {slogan} harus lanjut! {tag}",
    "Nonton debat semalem makin yakin sama {cand}. Jawabannya runtut, visinya jelas. {num} menang!",
    "Ikut jalan sehat relawan {nick} pagi ini, rame bgt pesertanya 🔥 {tag}",
    "Yg masih bingung, ini jadwal kampanye {pair} minggu depan, ajak tetangga dtg ya 👇 {tag}",
    "mantul bgt programnya {cand}-{vice}, makan siang rakyat kecil diperhatiin. pilih {num} gaes",
    "Sy sbg warga biasa cuma mau bilang: {pair} layak memimpin {region}. Jangan sampai salah pilih",
    "RT kalau kamu tim {nick} 💪💪 {tag}",
    "s4y4 d4n k3lu4rg4 p1l1h n0m0r {num}!!! {tag} {tag}",
    "Terima kasih {cand} sudah mampir ke kampung kami, semoga menang ya Pak! Doa kami menyertai 🤲",
    "Foto bareng {vice} tadi di posko pemenangan, orangnya ramah bgt. {num} pasti menang",
    "{slogan}! {slogan}! Tgl {day} jgn lupa coblos {nick} ya dulur",
    "Kalo mau {region} berubah ke arah yg bener ya cuma {pair}. Udah, gak usah debat lagi 😎",
    "Pasang twibbon {tag} dulu ah, biar semangat kerjanya 😄",
    "Yang bilang {cand} gak bisa kerja coba liat rekam jejaknya dulu. Udah terbukti. Coblos {num}!",
    "Grup WA kantor: sekadar info aja ya bapak ibu, {nick} nomor urut {num}, mohon doa dan dukungannya 🙏",
    "Satu putaran untuk {pair}! Ayo kawal suara di TPS masing2 {tag}",
    "bangga jd relawan {nick}. blusukan ke pasar hari ini, warga antusias bgt 😍 {tag}",
    "Fix no debat: {cand} {office} kita berikutnya. {tag}",
]

OPPOSE = [
    "Jangan pilih {pair}, cuma janji manis doang. Udah cukup kita dibohongi",
    "Tolak {num}! {region} gak butuh pemimpin kayak {cand} #Tolak{nick_nospace}",
    "Asal bukan {num} deh, siapa aja boleh asal jangan {cand}",
    "Hebat ya {cand}, jago bgt ngomong doang, kerja nol 🙄👏 jangan sampe kepilih",
    "{pair} itu bahaya buat {region}. Sebarkan biar warga gak salah coblos tgl {day}!",
    "Wkwk {nick} mau bikin {region} '{slogan}'... {slogan} ke jurang maksudnya 🤡 jgn coblos",
    "Inget ya gaes, rekam jejak {cand} buruk. Jangan kasih suara buat {num}",
    "Saya pribadi haram hukumnya milih {pair}. Titik.",
    "Debat semalem {cand} keliatan gak ngerti apa2. Masa orang kayak gini mau jadi {office}? No way",
    "{vice} ngomongnya ngawur terus, pasangan {nick} gak layak dipilih #AsalBukan{num}",
    "Kalau {pair} menang, siap2 aja {region} mundur 10 tahun. Mikir sebelum nyoblos!",
    "Gk usah pilih {num}, programnya {nick} gak masuk akal. Cuma pencitraan",
    "Ikut nyebarin: stop {nick}! Jangan biarkan {region} dipimpin orang yg gak amanah. Jgn coblos {num}",
    "ga abis pikir ada yg mau milih {cand}. kebijakannya dulu aja gagal total 😤 jangan {num}",
    "Anak muda jangan mau dibodohi {pair}. Tolak di bilik suara!",
    "Maaf ya, tapi {cand} sama {vice} itu gak pantes jadi pemimpin. Jangan coblos mereka",
    "Twibbon {tag}? mending uninstall aja. {nick} no thanks ❌",
    "Makin kesini makin keliatan aslinya {cand}. Jangan pilih {num}, sayangi masa depan {region}",
    "Tagar hari ini: #Tolak{nick_nospace} #JanganPilih{num}. Ayo trending-kan, jangan sampai {pair} menang!",
    "Janji {pair} itu kosong. Warga {region} jangan mau ketipu lagi tgl {day}",
    "Pendukung {nick} pada ngamuk wkwk, emang calonnya gak bisa dibela. jangan coblos {num}",
    "{cand} gagal paham soal ekonomi. Kalo dia jadi {office} bisa ambyar. Pikir lagi!",
]

# Neutral posts filled for every side: factual news, debate schedules, in-office acts.
NEUTRAL_SIDE = [
    "KPU menetapkan {pair} sebagai pasangan calon nomor urut {num} dalam {contest} 2024.",
    "Malam ini debat {contest}, {pair} dapat giliran bicara pertama. Siaran langsung di TV nasional",
    "{job} meresmikan jembatan baru di kecamatan kami pagi ini. Lalu lintas diharapkan lancar.",
    "Hasil survei terbaru: elektabilitas {pair} naik 2 persen. Sumber: rilis lembaga survei, Senin.",
    "Bawaslu menerima laporan dugaan pelanggaran kampanye oleh tim {nick}, masih diklarifikasi.",
    "Quick count sementara 45% data masuk, {pair} memperoleh 38%. Tunggu hasil resmi KPU ya.",
    "{cand} hari ini mendaftar ke KPU bersama {vice}, diantar pendukungnya.",
    "Berita: tim pemenangan {nick} menyerahkan laporan dana kampanye ke KPU tepat waktu.",
]

NEUTRAL = [
    "Pengumuman: pemungutan suara Pemilu 2024 dilaksanakan Rabu, 14 Februari 2024 pukul 07.00-13.00 WIB di TPS masing-masing.",
    "Jangan golput ya teman2! Satu suara menentukan masa depan bangsa 🇮🇩 #PemiluDamai",
    "Cek nama kamu di DPT lewat cekdptonline.kpu.go.id, cukup masukkan NIK.",
    "Mengingatkan rekan-rekan ASN: jaga netralitas selama masa kampanye. Dilarang like, share, komen konten paslon.",
    "Sosialisasi SKB netralitas ASN di aula kantor bupati hari ini, diikuti seluruh kepala OPD.",
    "Jadwal debat kedua cawapres: Jumat malam. Temanya ekonomi digital dan pajak.",
    "Pemilih pindahan wajib urus formulir A5 paling lambat H-7 di PPS setempat.",
    "Siapapun pilihanmu, tetap jaga persaudaraan. Beda pilihan bukan alasan bermusuhan 🤝",
    "Dinas Kominfo mengimbau warga tidak menyebar hoaks pemilu. Cek fakta dulu sebelum share.",
    "Rekapitulasi suara tingkat kecamatan dimulai besok pagi di GOR. Saksi semua paslon diundang.",
    "Info KPPS: petugas dibutuhkan untuk TPS 012, syarat usia min 17 th, daftar di kantor kelurahan.",
    "ASN boleh memilih, tapi tidak boleh berpihak. Yuk saling mengingatkan 🙏 #ASNNetral",
    "Hari ini masa tenang dimulai. Semua alat peraga kampanye wajib diturunkan.",
    "Simulasi pemungutan suara di TPS percontohan berjalan lancar, disaksikan Bawaslu kota.",
    "Bawa KTP-el dan undangan C6 saat ke TPS ya. Kalau undangan hilang, KTP-el saja cukup.",
    "Pilkada serentak 27 November 2024. Warga Jakarta yuk datang ke TPS, jangan golput!",
    "Mohon maaf layanan Disdukcapil tutup pada hari pencoblosan karena libur nasional.",
    "Gimana caranya nyoblos yg sah? Coblos sekali di dalam kotak foto paslon, jangan keluar garis.",
    "Rapat koordinasi pengamanan pemilu bersama TNI-Polri di kantor wali kota, siang ini.",
    "KPU DKI umumkan jadwal debat pilgub: tiga kali, disiarkan langsung stasiun TV nasional.",
    "Buat yg nanya, cuti bersama pemilu berlaku utk ASN, tetap siaga kalau ada tugas piket.",
    "Pelanggaran netralitas ASN bisa dilaporkan ke Bawaslu atau KASN. Sanksinya tegas.",
    "Hasil resmi akan diumumkan KPU setelah rekapitulasi nasional. Quick count bukan hasil final.",
    "Yuk jadi pemilih cerdas: baca visi misi semua paslon, bandingkan, baru tentukan pilihan.",
    "Logistik pemilu tiba di gudang KPU kabupaten, dijaga 24 jam oleh aparat.",
    "Kami dari kecamatan mengucapkan terima kasih kepada petugas KPPS yg bekerja sampai subuh 🙏",
    "Tips buat pemilih pemula: cek TPS, bawa KTP, datang pagi, dan jangan foto surat suara di bilik.",
    "Debat capres tadi malam ramai dibahas. Apa pun pendapatmu, diskusikan dengan santun ya.",
    "Surat edaran: pegawai dilarang memasang atribut partai atau paslon di lingkungan kantor.",
    "Gerakan ayo ke TPS: RT kami sediakan kursi roda bagi lansia yang mau nyoblos.",
    "Mahkamah Konstitusi mulai sidang sengketa hasil pilpres hari ini. Ikuti perkembangannya dari sumber resmi.",
    "Pemilu itu pesta demokrasi, bukan ajang saling hujat. Damai itu indah ✌️ #PemiluDamai2024",
    "Bimtek KPPS gelombang 2 dilaksanakan Sabtu di balai desa, mohon hadir tepat waktu.",
    "Netralitas ASN itu harga mati. Kita pelayan publik semua warga, apa pun pilihannya.",
    "Partisipasi pemilih di kelurahan kami mencapai 82 persen, naik dari pemilu sebelumnya.",
    "Hari ini penetapan nomor urut paslon pilgub DKI di kantor KPU Provinsi.",
    "jgn lupa bsk nyoblos gaes, TPS buka jam 7. abis itu baru healing 😆",
    "Bagi yang sakit, petugas KPPS bisa datang ke rumah sakit untuk memfasilitasi pemilih.",
    "Kampanye akbar di GBK hari ini, warga diimbau menghindari ruas jalan Sudirman.",
    "Apel siaga netralitas ASN pagi ini dipimpin Sekda. Semua pegawai menandatangani pakta integritas.",
    "Masih bingung bedanya DPT, DPTb, DPK? Ini penjelasan singkat dari KPU 👇",
    "Hitung cepat berbagai lembaga menunjukkan hasil berbeda-beda. Kita tunggu real count KPU saja.",
    "Diskusi publik: peran media sosial dalam pemilu 2024, Kamis pukul 13.00 di kampus.",
    "Pengingat dari BKD: ASN yang hadir di kampanye wajib cuti dan tidak boleh memakai atribut.",
    "Pemilu sudah selesai, mari kembali bersatu membangun negeri. Selamat kepada pemenang sesuai keputusan KPU.",
    "Siang tadi ada pemungutan suara ulang di 3 TPS karena kesalahan teknis, kata KPU kota.",
    "Tolong jangan kirim broadcast politik di grup WA dinas ya bapak ibu, grup ini khusus koordinasi kerja.",
    "Debat ketiga pilgub Jakarta bahas transportasi dan banjir, tayang Minggu malam.",
    "Hoaks! Tidak benar pencoblosan bisa lewat SMS. Pencoblosan hanya di TPS.",
    "Daftar caleg tetap (DCT) sudah bisa dilihat di situs KPU dan papan pengumuman kelurahan.",
]

UNRELATED_SIDE = [
    "{first} tetangga saya baru buka warung bakso di depan gang, enak dan murah, cobain deh!",
    "Selamat ulang tahun adikku {first}, semoga sehat selalu dan makin rajin belajar 🎂",
    "Tadi pagi ketemu Pak {first}, satpam baru di kantor, orangnya ramah bgt",
    "Anak saya namanya {first}, hari ini pertama kali masuk TK. Nangis dikit tp seneng 😂",
    "Mas {first} dari bagian IT udah benerin printer lantai 2, makasih banyak mas!",
]

UNRELATED = [
    "Alhamdulillah pelayanan KTP-el hari ini selesai 120 berkas. Terima kasih tim Disdukcapil 💪",
    "Macet parah di tol dalam kota, mending naik KRL aja besok",
    "Hujan deres dari subuh, jalan depan kantor kecamatan banjir semata kaki. Hati2 gaes",
    "Rapat evaluasi anggaran sampai jam 9 malam. Capek tp seneng target tercapai",
    "Resep sambel matah ala ibu: bawang merah, serai, cabe rawit, minyak panas. Mantap!",
    "Timnas menang 2-0!!! Bangga jadi Indonesia 🇮🇩⚽",
    "Posyandu balita bulan ini tgl 10 ya ibu-ibu, jangan lupa bawa buku KIA",
    "Akhirnya SKP tahunan beres juga 😮‍💨 tinggal nunggu tanda tangan atasan",
    "Selamat hari raya Idul Fitri, mohon maaf lahir dan batin 🙏",
    "Harga cabe naik lagi, emak2 di pasar pada ngeluh. Semoga cepet turun",
    "Vaksinasi HPV untuk siswi SD dilaksanakan minggu depan di puskesmas",
    "wkwk kucing kantor tidur di atas printer lagi 😹",
    "Gempa terasa cukup kuat di Cianjur barusan. Semoga semua aman 🙏",
    "Pelatihan kepemimpinan administrator angkatan 5 resmi dibuka hari ini",
    "Jalan rusak di Desa Sukamaju sudah diperbaiki, terima kasih Dinas PU!",
    "Ngopi dulu biar gak ngantuk ngerjain laporan keuangan ☕",
    "Pengumuman: layanan perpanjangan SIM keliling ada di alun-alun tiap Sabtu",
    "Sabtu ini kerja bakti bersihin selokan RT 05, kumpul jam 7 pagi",
    "Mohon doanya, ibu saya sedang dirawat di rumah sakit",
    "Listrik padam lagi di kompleks, udah 3 jam nih PLN 😩",
    "Happy weekend semua! Saatnya quality time sama keluarga 🏖️",
    "Kenaikan pangkat periode April sudah diumumkan, selamat bagi rekan2 yg naik!",
    "Pembagian bantuan beras untuk warga terdampak banjir di balai RW hari ini",
    "Info lowongan CPNS 2024 cek langsung di sscasn.bkn.go.id, jangan percaya calo!",
    "Lagi belajar Excel pivot table, ternyata gampang ya 😅",
    "Sholat Jumat di masjid kantor, khotbahnya tentang sabar. Adem dengernya",
    "Macet di pintu tol gara2 kecelakaan truk, cari jalan alternatif ya",
    "Persib menang lagi! Bobotoh bahagia 💙",
    "Tugas luar kota ke Makassar, coto-nya juara 😋",
    "Pelayanan BPJS sekarang bisa lewat aplikasi Mobile JKN, gak perlu antre lagi",
    "Sedih denger kabar banjir bandang di Sumatera Barat. Yuk bantu lewat lembaga resmi",
    "Hari ini upacara HUT Korpri, seragam batik Korpri udah disetrika dari semalem 😄",
    "Anak2 lagi ujian semester, emaknya yg pusing ngajarin matematika 🤯",
    "Cuaca panas bgt hari ini, jgn lupa minum air putih ya",
    "Update: aplikasi e-kinerja lagi maintenance, input laporan besok aja",
    "Dinas Perpustakaan buka layanan baca di taman kota tiap Minggu pagi",
    "Lari pagi 5K di CFD, badan seger 🏃‍♂️",
    "Harga BBM naik, ongkos angkot ikut naik. Semoga gaji juga naik wkwk",
    "Anjir hujan pas jam pulang kantor, motor gak bawa jas hujan 😭",
    "Kantor kami raih predikat WBK tahun ini. Terima kasih semua pegawai!",
    "Resepsi nikahan temen kantor, makanannya enak2 🥳",
    "Ada yg tau servis laptop yg bagus di daerah Depok?",
    "Mudik tahun ini naik kereta, tiket udah dapet alhamdulillah",
    "Pemadaman air PDAM besok jam 8-16 di wilayah timur, siapkan tampungan ya",
    "Senam pagi bareng di halaman kantor setiap Jumat, yuk ikut!",
    "Kerja dari rumah hari ini karena kantor sedang renovasi",
    "Pengajian rutin ibu-ibu Dharma Wanita Kamis sore di aula",
    "Kopi kenangan senja di warung sebelah emang juara",
    "Pelatihan UMKM digital untuk pelaku usaha mikro di kecamatan, gratis!",
    "Pajak kendaraan bisa dibayar lewat aplikasi Samsat online, praktis",
    "Hadir di rapat Musrenbang desa, warga usul perbaikan irigasi",
    "Selamat Natal bagi rekan yang merayakan, damai selalu 🎄",
    "Bosen makan nasi padang terus, besok coba gado2 ah",
    "Internet kantor lemot bgt, upload laporan aja gagal mulu",
    "Kebakaran di pasar induk dini hari tadi, damkar sudah di lokasi",
    "Liburan ke Bromo, sunrise-nya masya Allah cantik banget 🌄",
    "Nunggu antrean di puskesmas 2 jam, semoga sistem antrean online cepet jalan",
    "Anak magang hari pertama di kantor, semangat dek!",
    "Drakor baru bikin begadang, besok ngantuk di rapat nih 😴",
    "Terima kasih warga yang sudah bayar PBB tepat waktu!",
    "Hari ini ada donor darah di aula kantor, ayo ikut!",
    "Sambutan kepala dinas di acara pelepasan pegawai purnabakti bikin terharu",
    "Yang parkir di depan pagar kantor tolong dipindah ya mobilnya",
    "Cuti tahunan masih sisa 6 hari, enaknya dipakai kemana ya",
    "Jembatan penyeberangan di depan sekolah akhirnya jadi, anak2 aman nyebrang",
    "Kereta telat 20 menit, untung bawa buku",
    "Seminar kesehatan mental untuk pegawai, penting banget ternyata",
    "Ngidam martabak manis malem2 😋",
    "Gaji ke-13 cair, alhamdulillah buat bayar sekolah anak",
    "Kegiatan bakti sosial di panti asuhan bersama rekan kantor, seru dan haru",
    "Target vaksin polio di kelurahan kami sudah 95 persen 👏",
    "Ada yg jual ban motor ring 14 murah? lagi bocor nih",
    "Habis badminton sama temen kantor, kalah mulu 😂",
    "Harga emas naik lagi ya? nyesel gak beli dari kemarin",
]


def _fill(template: str, side: dict[str, str]) -> str:
    slots = dict(side, nick_nospace=side["nick"].replace("-", "").replace(" ", ""))
    return template.format(**slots)


def build() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []

    def add(text: str, label: str, targets: list[str], note: str) -> None:
        rows.append(
            {
                "id": f"seed-{len(rows) + 1:04d}",
                "text": text,
                "label": label,
                "targets": targets,
                "source": "seed",
                "labeller": LABELLER,
                "note": note,
            }
        )

    for label, templates in (("support", SUPPORT), ("oppose", OPPOSE)):
        for t_index, template in enumerate(templates):
            for side in SIDES:
                add(_fill(template, side), label, [side["key"]], f"{label}-t{t_index:02d}")
    for t_index, template in enumerate(NEUTRAL_SIDE):
        for side in SIDES:
            add(_fill(template, side), "neutral", [side["key"]], f"neutral-side-t{t_index:02d}")
    for t_index, text in enumerate(NEUTRAL):
        add(text, "neutral", [], f"neutral-t{t_index:02d}")
    for t_index, template in enumerate(UNRELATED_SIDE):
        for side in SIDES:
            add(_fill(template, side), "unrelated", [], f"unrelated-name-t{t_index:02d}")
    for t_index, text in enumerate(UNRELATED):
        add(text, "unrelated", [], f"unrelated-t{t_index:02d}")
    return rows


def main() -> None:
    rows = build()
    with OUT.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} rows to {OUT}")


if __name__ == "__main__":
    main()
