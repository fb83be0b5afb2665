/**
 * Static seed data for Italian regions and provinces.
 *
 * Source: ISTAT territorial codes — regions use the ISTAT two-digit region code
 * ('01' Piemonte … '20' Sardegna); provinces (including metropolitan cities, free
 * municipal consortia, autonomous provinces and Friuli-Venezia Giulia's regional
 * decentralisation bodies) are the 107 units of the ISTAT list, keyed by their
 * two-letter sigla. Centroids are approximated by the coordinates of the capoluogo
 * (capital city); for BT the coordinates of Barletta and for SU those of Carbonia.
 */

export interface RegionSeed {
  /** ISTAT two-digit region code, e.g. '07' Liguria. */
  code: string;
  name: string;
}

export interface ProvinceSeed {
  /** Two-letter sigla, e.g. 'GE'. */
  code: string;
  name: string;
  /** ISTAT region code. */
  regionCode: string;
  lat: number;
  lon: number;
}

export const REGIONS: RegionSeed[] = [
  { code: '01', name: 'Piemonte' },
  { code: '02', name: "Valle d'Aosta/Vallée d'Aoste" },
  { code: '03', name: 'Lombardia' },
  { code: '04', name: 'Trentino-Alto Adige/Südtirol' },
  { code: '05', name: 'Veneto' },
  { code: '06', name: 'Friuli-Venezia Giulia' },
  { code: '07', name: 'Liguria' },
  { code: '08', name: 'Emilia-Romagna' },
  { code: '09', name: 'Toscana' },
  { code: '10', name: 'Umbria' },
  { code: '11', name: 'Marche' },
  { code: '12', name: 'Lazio' },
  { code: '13', name: 'Abruzzo' },
  { code: '14', name: 'Molise' },
  { code: '15', name: 'Campania' },
  { code: '16', name: 'Puglia' },
  { code: '17', name: 'Basilicata' },
  { code: '18', name: 'Calabria' },
  { code: '19', name: 'Sicilia' },
  { code: '20', name: 'Sardegna' },
];

export const PROVINCES: ProvinceSeed[] = [
  // 01 Piemonte
  { code: 'TO', name: 'Torino', regionCode: '01', lat: 45.0703, lon: 7.6869 },
  { code: 'VC', name: 'Vercelli', regionCode: '01', lat: 45.3202, lon: 8.4185 },
  { code: 'NO', name: 'Novara', regionCode: '01', lat: 45.4469, lon: 8.6222 },
  { code: 'CN', name: 'Cuneo', regionCode: '01', lat: 44.3845, lon: 7.5427 },
  { code: 'AT', name: 'Asti', regionCode: '01', lat: 44.9, lon: 8.2064 },
  { code: 'AL', name: 'Alessandria', regionCode: '01', lat: 44.9126, lon: 8.615 },
  { code: 'BI', name: 'Biella', regionCode: '01', lat: 45.5663, lon: 8.053 },
  { code: 'VB', name: 'Verbano-Cusio-Ossola', regionCode: '01', lat: 45.9217, lon: 8.5516 },
  // 02 Valle d'Aosta
  { code: 'AO', name: 'Aosta', regionCode: '02', lat: 45.737, lon: 7.3201 },
  // 03 Lombardia
  { code: 'VA', name: 'Varese', regionCode: '03', lat: 45.8206, lon: 8.8251 },
  { code: 'CO', name: 'Como', regionCode: '03', lat: 45.8081, lon: 9.0852 },
  { code: 'SO', name: 'Sondrio', regionCode: '03', lat: 46.1699, lon: 9.8715 },
  { code: 'MI', name: 'Milano', regionCode: '03', lat: 45.4642, lon: 9.19 },
  { code: 'BG', name: 'Bergamo', regionCode: '03', lat: 45.6983, lon: 9.6773 },
  { code: 'BS', name: 'Brescia', regionCode: '03', lat: 45.5416, lon: 10.2118 },
  { code: 'PV', name: 'Pavia', regionCode: '03', lat: 45.1847, lon: 9.1582 },
  { code: 'CR', name: 'Cremona', regionCode: '03', lat: 45.1333, lon: 10.0227 },
  { code: 'MN', name: 'Mantova', regionCode: '03', lat: 45.1564, lon: 10.7914 },
  { code: 'LC', name: 'Lecco', regionCode: '03', lat: 45.8566, lon: 9.3977 },
  { code: 'LO', name: 'Lodi', regionCode: '03', lat: 45.3146, lon: 9.5037 },
  { code: 'MB', name: 'Monza e della Brianza', regionCode: '03', lat: 45.5845, lon: 9.2744 },
  // 04 Trentino-Alto Adige/Südtirol
  { code: 'BZ', name: 'Bolzano/Bozen', regionCode: '04', lat: 46.4983, lon: 11.3548 },
  { code: 'TN', name: 'Trento', regionCode: '04', lat: 46.0748, lon: 11.1217 },
  // 05 Veneto
  { code: 'VR', name: 'Verona', regionCode: '05', lat: 45.4384, lon: 10.9916 },
  { code: 'VI', name: 'Vicenza', regionCode: '05', lat: 45.5455, lon: 11.5354 },
  { code: 'BL', name: 'Belluno', regionCode: '05', lat: 46.1425, lon: 12.2167 },
  { code: 'TV', name: 'Treviso', regionCode: '05', lat: 45.6669, lon: 12.243 },
  { code: 'VE', name: 'Venezia', regionCode: '05', lat: 45.4408, lon: 12.3155 },
  { code: 'PD', name: 'Padova', regionCode: '05', lat: 45.4064, lon: 11.8768 },
  { code: 'RO', name: 'Rovigo', regionCode: '05', lat: 45.0698, lon: 11.7902 },
  // 06 Friuli-Venezia Giulia
  { code: 'UD', name: 'Udine', regionCode: '06', lat: 46.0711, lon: 13.2346 },
  { code: 'GO', name: 'Gorizia', regionCode: '06', lat: 45.9409, lon: 13.6217 },
  { code: 'TS', name: 'Trieste', regionCode: '06', lat: 45.6495, lon: 13.7768 },
  { code: 'PN', name: 'Pordenone', regionCode: '06', lat: 45.9564, lon: 12.6615 },
  // 07 Liguria
  { code: 'IM', name: 'Imperia', regionCode: '07', lat: 43.8897, lon: 8.0393 },
  { code: 'SV', name: 'Savona', regionCode: '07', lat: 44.3091, lon: 8.4772 },
  { code: 'GE', name: 'Genova', regionCode: '07', lat: 44.4056, lon: 8.9463 },
  { code: 'SP', name: 'La Spezia', regionCode: '07', lat: 44.1025, lon: 9.8241 },
  // 08 Emilia-Romagna
  { code: 'PC', name: 'Piacenza', regionCode: '08', lat: 45.0526, lon: 9.693 },
  { code: 'PR', name: 'Parma', regionCode: '08', lat: 44.8015, lon: 10.3279 },
  { code: 'RE', name: "Reggio nell'Emilia", regionCode: '08', lat: 44.6989, lon: 10.6297 },
  { code: 'MO', name: 'Modena', regionCode: '08', lat: 44.6471, lon: 10.9252 },
  { code: 'BO', name: 'Bologna', regionCode: '08', lat: 44.4949, lon: 11.3426 },
  { code: 'FE', name: 'Ferrara', regionCode: '08', lat: 44.8381, lon: 11.6198 },
  { code: 'RA', name: 'Ravenna', regionCode: '08', lat: 44.4184, lon: 12.2035 },
  { code: 'FC', name: 'Forlì-Cesena', regionCode: '08', lat: 44.2227, lon: 12.0407 },
  { code: 'RN', name: 'Rimini', regionCode: '08', lat: 44.0678, lon: 12.5695 },
  // 09 Toscana
  { code: 'MS', name: 'Massa-Carrara', regionCode: '09', lat: 44.0354, lon: 10.1398 },
  { code: 'LU', name: 'Lucca', regionCode: '09', lat: 43.8429, lon: 10.5027 },
  { code: 'PT', name: 'Pistoia', regionCode: '09', lat: 43.9303, lon: 10.9078 },
  { code: 'FI', name: 'Firenze', regionCode: '09', lat: 43.7696, lon: 11.2558 },
  { code: 'LI', name: 'Livorno', regionCode: '09', lat: 43.5485, lon: 10.3106 },
  { code: 'PI', name: 'Pisa', regionCode: '09', lat: 43.7228, lon: 10.4017 },
  { code: 'AR', name: 'Arezzo', regionCode: '09', lat: 43.4633, lon: 11.8796 },
  { code: 'SI', name: 'Siena', regionCode: '09', lat: 43.3188, lon: 11.3308 },
  { code: 'GR', name: 'Grosseto', regionCode: '09', lat: 42.7635, lon: 11.1124 },
  { code: 'PO', name: 'Prato', regionCode: '09', lat: 43.8777, lon: 11.1023 },
  // 10 Umbria
  { code: 'PG', name: 'Perugia', regionCode: '10', lat: 43.1107, lon: 12.3908 },
  { code: 'TR', name: 'Terni', regionCode: '10', lat: 42.5636, lon: 12.6427 },
  // 11 Marche
  { code: 'PU', name: 'Pesaro e Urbino', regionCode: '11', lat: 43.9098, lon: 12.9131 },
  { code: 'AN', name: 'Ancona', regionCode: '11', lat: 43.6158, lon: 13.5189 },
  { code: 'MC', name: 'Macerata', regionCode: '11', lat: 43.2984, lon: 13.4535 },
  { code: 'AP', name: 'Ascoli Piceno', regionCode: '11', lat: 42.8536, lon: 13.5749 },
  { code: 'FM', name: 'Fermo', regionCode: '11', lat: 43.1604, lon: 13.7181 },
  // 12 Lazio
  { code: 'VT', name: 'Viterbo', regionCode: '12', lat: 42.4207, lon: 12.1077 },
  { code: 'RI', name: 'Rieti', regionCode: '12', lat: 42.4048, lon: 12.862 },
  { code: 'RM', name: 'Roma', regionCode: '12', lat: 41.9028, lon: 12.4964 },
  { code: 'LT', name: 'Latina', regionCode: '12', lat: 41.4676, lon: 12.9037 },
  { code: 'FR', name: 'Frosinone', regionCode: '12', lat: 41.6396, lon: 13.3426 },
  // 13 Abruzzo
  { code: 'AQ', name: "L'Aquila", regionCode: '13', lat: 42.3498, lon: 13.3995 },
  { code: 'TE', name: 'Teramo', regionCode: '13', lat: 42.6589, lon: 13.7044 },
  { code: 'PE', name: 'Pescara', regionCode: '13', lat: 42.4618, lon: 14.2161 },
  { code: 'CH', name: 'Chieti', regionCode: '13', lat: 42.351, lon: 14.1675 },
  // 14 Molise
  { code: 'CB', name: 'Campobasso', regionCode: '14', lat: 41.5603, lon: 14.6627 },
  { code: 'IS', name: 'Isernia', regionCode: '14', lat: 41.594, lon: 14.233 },
  // 15 Campania
  { code: 'CE', name: 'Caserta', regionCode: '15', lat: 41.0742, lon: 14.3329 },
  { code: 'BN', name: 'Benevento', regionCode: '15', lat: 41.1298, lon: 14.7826 },
  { code: 'NA', name: 'Napoli', regionCode: '15', lat: 40.8518, lon: 14.2681 },
  { code: 'AV', name: 'Avellino', regionCode: '15', lat: 40.9146, lon: 14.7906 },
  { code: 'SA', name: 'Salerno', regionCode: '15', lat: 40.6824, lon: 14.7681 },
  // 16 Puglia
  { code: 'FG', name: 'Foggia', regionCode: '16', lat: 41.4622, lon: 15.5446 },
  { code: 'BA', name: 'Bari', regionCode: '16', lat: 41.1171, lon: 16.8719 },
  { code: 'TA', name: 'Taranto', regionCode: '16', lat: 40.4644, lon: 17.247 },
  { code: 'BR', name: 'Brindisi', regionCode: '16', lat: 40.6327, lon: 17.9418 },
  { code: 'LE', name: 'Lecce', regionCode: '16', lat: 40.3515, lon: 18.175 },
  { code: 'BT', name: 'Barletta-Andria-Trani', regionCode: '16', lat: 41.3196, lon: 16.2838 },
  // 17 Basilicata
  { code: 'PZ', name: 'Potenza', regionCode: '17', lat: 40.6404, lon: 15.8056 },
  { code: 'MT', name: 'Matera', regionCode: '17', lat: 40.6664, lon: 16.6043 },
  // 18 Calabria
  { code: 'CS', name: 'Cosenza', regionCode: '18', lat: 39.2983, lon: 16.2537 },
  { code: 'CZ', name: 'Catanzaro', regionCode: '18', lat: 38.9098, lon: 16.5877 },
  { code: 'RC', name: 'Reggio Calabria', regionCode: '18', lat: 38.1105, lon: 15.6613 },
  { code: 'KR', name: 'Crotone', regionCode: '18', lat: 39.0808, lon: 17.1271 },
  { code: 'VV', name: 'Vibo Valentia', regionCode: '18', lat: 38.6759, lon: 16.1005 },
  // 19 Sicilia
  { code: 'TP', name: 'Trapani', regionCode: '19', lat: 38.0176, lon: 12.5365 },
  { code: 'PA', name: 'Palermo', regionCode: '19', lat: 38.1157, lon: 13.3615 },
  { code: 'ME', name: 'Messina', regionCode: '19', lat: 38.1938, lon: 15.554 },
  { code: 'AG', name: 'Agrigento', regionCode: '19', lat: 37.3111, lon: 13.5765 },
  { code: 'CL', name: 'Caltanissetta', regionCode: '19', lat: 37.4901, lon: 14.0629 },
  { code: 'EN', name: 'Enna', regionCode: '19', lat: 37.567, lon: 14.2795 },
  { code: 'CT', name: 'Catania', regionCode: '19', lat: 37.5079, lon: 15.083 },
  { code: 'RG', name: 'Ragusa', regionCode: '19', lat: 36.9269, lon: 14.7255 },
  { code: 'SR', name: 'Siracusa', regionCode: '19', lat: 37.0755, lon: 15.2866 },
  // 20 Sardegna
  { code: 'SS', name: 'Sassari', regionCode: '20', lat: 40.7259, lon: 8.5557 },
  { code: 'NU', name: 'Nuoro', regionCode: '20', lat: 40.3209, lon: 9.3306 },
  { code: 'CA', name: 'Cagliari', regionCode: '20', lat: 39.2238, lon: 9.1217 },
  { code: 'OR', name: 'Oristano', regionCode: '20', lat: 39.9062, lon: 8.5884 },
  { code: 'SU', name: 'Sud Sardegna', regionCode: '20', lat: 39.1672, lon: 8.5222 },
];
