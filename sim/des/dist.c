/* dist.c - validated distributions, their samplers and analytic moments.
 *
 * Constructors check every parameter (finite, positive where needed, ordered, probabilities in
 * [0, 1], tables monotone) and either fully initialise *d (unused fields zero) or zero *d and
 * return DES_EINVAL with a message naming the parameter, so des_dist_free() is always safe.
 * Only empirical and discrete distributions own memory: the x/cdf tables and, for discrete,
 * the GSL alias table. For DES_DIST_DISCRETE, `cdf` holds the normalised probabilities (not
 * cumulative), kept so that moments are exact and a copy rebuilds a bit-identical alias table.
 *
 * Samplers never allocate. Continuous kinds use GSL or inverse CDFs: triangular in closed form,
 * empirical by binary search on the piecewise-linear CDF, O(log len); discrete uses Walker's
 * alias method, O(1); Poisson and binomial come from GSL as doubles.
 *
 * des_exponential() is the engine's hot path: a Marsaglia & Tsang (2000) ziggurat with 256
 * layers of equal area v under f(x) = exp(-x). The tables below are static const data computed
 * offline in long double: r = 7.69711747013104972 solves the closure condition
 * x[255] (1 - exp(-x[255])) = v with v = (r + 1) exp(-r), x[0] = v / exp(-r), x[1] = r,
 * x[i+1] = -log(exp(-x[i]) + v / x[i]), x[256] = 0. One 32-bit draw gives the layer i (low 8
 * bits) and a position j (high 24 bits); X = (j + 1/2) x[i] / 2^24 is accepted outright when it
 * lies under the next layer (j < zig_k[i], conservative so the fast path is exact), which
 * happens 97.8% of the time. Otherwise the base layer falls back to the exact memoryless tail
 * r - log(U) and other layers to a wedge test against exp(-X). Generators whose range is not
 * exactly [0, 2^32 - 1] use inversion, -mean log(U). Expected cost: one generator call and one
 * multiply; reentrant (the tables are read-only).
 *
 * GSL reports allocation failure in gsl_ran_discrete_preproc() through its error handler
 * (abort by default), so DES_ENOMEM for alias tables is only seen if the handler is off.
 */
#include "des_dist.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Largest Poisson mean: keeps gsl_ran_poisson() far from wrapping its unsigned int result. */
#define POISSON_MEAN_MAX 1e9

/* ---- exponential ziggurat tables (see the comment at the top) ---- */

/* zig_k[i] = floor(x[i+1] / x[i] * 2^24 - 1/2): every position j < zig_k[i] has X under
 * layer i + 1 and is accepted at once (the last such position is left to the wedge test, which
 * always accepts it). zig_w[i] = x[i] / 2^24. zig_f[i] = exp(-x[i]), with zig_f[256] = 1.
 * tests/test_dist.c re-derives the layers and checks these tables through des_exponential(). */
#define ZIG_R 7.6971174701310501
static const uint32_t zig_k[256] = {
    14848160, 15129198, 15658928, 15911693, 16061744, 16161892,
    16233847, 16288239, 16330913, 16365356, 16393786, 16417681,
    16438068, 16455679, 16471057, 16484607, 16496644, 16507411,
    16517101, 16525871, 16533846, 16541132, 16547814, 16553964,
    16559644, 16564906, 16569793, 16574344, 16578593, 16582567,
    16586292, 16589790, 16593080, 16596181, 16599106, 16601871,
    16604486, 16606964, 16609314, 16611545, 16613665, 16615681,
    16617601, 16619429, 16621173, 16622837, 16624425, 16625943,
    16627393, 16628780, 16630107, 16631377, 16632592, 16633757,
    16634873, 16635942, 16636967, 16637949, 16638891, 16639794,
    16640660, 16641491, 16642287, 16643051, 16643783, 16644485,
    16645158, 16645803, 16646420, 16647011, 16647577, 16648119,
    16648636, 16649131, 16649604, 16650055, 16650484, 16650894,
    16651283, 16651654, 16652005, 16652338, 16652653, 16652951,
    16653231, 16653495, 16653742, 16653973, 16654189, 16654389,
    16654573, 16654743, 16654898, 16655039, 16655166, 16655278,
    16655377, 16655462, 16655533, 16655592, 16655637, 16655668,
    16655687, 16655693, 16655687, 16655667, 16655636, 16655591,
    16655534, 16655465, 16655383, 16655289, 16655183, 16655064,
    16654933, 16654790, 16654635, 16654467, 16654287, 16654094,
    16653889, 16653672, 16653442, 16653199, 16652943, 16652675,
    16652394, 16652100, 16651793, 16651472, 16651139, 16650791,
    16650430, 16650056, 16649667, 16649264, 16648847, 16648415,
    16647968, 16647506, 16647029, 16646537, 16646029, 16645505,
    16644964, 16644407, 16643833, 16643241, 16642632, 16642005,
    16641359, 16640695, 16640011, 16639308, 16638585, 16637841,
    16637076, 16636289, 16635480, 16634649, 16633794, 16632915,
    16632012, 16631083, 16630128, 16629146, 16628137, 16627099,
    16626032, 16624935, 16623807, 16622646, 16621452, 16620224,
    16618960, 16617660, 16616322, 16614944, 16613525, 16612064,
    16610559, 16609009, 16607411, 16605764, 16604066, 16602315,
    16600508, 16598643, 16596718, 16594730, 16592676, 16590554,
    16588360, 16586090, 16583742, 16581312, 16578794, 16576186,
    16573482, 16570677, 16567766, 16564743, 16561603, 16558337,
    16554940, 16551404, 16547719, 16543877, 16539869, 16535683,
    16531307, 16526730, 16521937, 16516913, 16511641, 16506104,
    16500280, 16494148, 16487683, 16480857, 16473640, 16465999,
    16457894, 16449283, 16440118, 16430343, 16419897, 16408709,
    16396697, 16383766, 16369810, 16354699, 16338288, 16320399,
    16300826, 16279320, 16255579, 16229237, 16199844, 16166839,
    16129511, 16086957, 16037996, 15981071, 15914072, 15834075,
    15736910, 15616422, 15463134, 15261680, 14985447, 14584127,
    13950393, 12810155, 10218206, 0,
};
static const double zig_w[256] = {
    5.1838859737700517e-07, 4.587839526016146e-07, 4.137178438530691e-07,
    3.8614144884542046e-07, 3.662207523448749e-07, 3.5060312246056794e-07,
    3.3774436518275939e-07, 3.2680574819600955e-07, 3.1728091870274537e-07,
    3.0884070881018048e-07, 3.0125907003768116e-07, 2.9437405382998296e-07,
    2.8806565648467022e-07, 2.8224247673760301e-07, 2.7683328899264843e-07,
    2.7178150783225008e-07, 2.6704142967035901e-07, 2.6257560810289223e-07,
    2.5835297586424786e-07, 2.5434747220738923e-07, 2.5053702078671362e-07,
    2.4690275583648988e-07, 2.4342842760135518e-07, 2.4009993938493352e-07,
    2.369049827262037e-07, 2.338327467522317e-07, 2.3087368431088383e-07,
    2.2801932206883053e-07, 2.2526210501263546e-07, 2.2259526813267454e-07,
    2.2001272977813594e-07, 2.1750900243287407e-07, 2.1507911760383305e-07,
    2.1271856222440824e-07, 2.1042322451647185e-07, 2.0818934767091632e-07,
    2.0601349002914194e-07, 2.0389249069995405e-07, 2.0182343974472891e-07,
    1.9980365222097098e-07, 1.9783064549987012e-07, 1.9590211937421972e-07,
    1.9401593855443301e-07, 1.9217011721648363e-07, 1.90362805319562e-07,
    1.8859227645551999e-07, 1.8685691702869182e-07, 1.85155216594924e-07,
    1.834857592138106e-07, 1.8184721568914983e-07, 1.8023833659027079e-07,
    1.7865794596172158e-07, 1.7710493564135371e-07, 1.7557826011747394e-07,
    1.7407693186478262e-07, 1.726000171065415e-07, 1.711466319570265e-07,
    1.6971593890399866e-07, 1.6830714359581681e-07, 1.6691949190203775e-07,
    1.6555226722000581e-07, 1.6420478800310764e-07, 1.6287640548912889e-07,
    1.6156650160955961e-07, 1.6027448706280018e-07, 1.5899979953606528e-07,
    1.5774190206240473e-07, 1.5650028150068453e-07, 1.5527444712763045e-07,
    1.540639293321455e-07, 1.528682784030977e-07, 1.5168706340264499e-07,
    1.5051987111793924e-07, 1.4936630508474076e-07, 1.4822598467708885e-07,
    1.4709854425772219e-07, 1.4598363238443433e-07, 1.4488091106798766e-07,
    1.4379005507760469e-07, 1.4271075129040827e-07, 1.4164269808150178e-07,
    1.4058560475166662e-07, 1.3953919098991363e-07, 1.3850318636835792e-07,
    1.3747732986709951e-07, 1.3646136942698177e-07, 1.354550615282747e-07,
    1.3445817079348679e-07, 1.3347046961265258e-07, 1.3249173778957345e-07,
    1.3152176220760723e-07, 1.3056033651371122e-07, 1.296072608195409e-07,
    1.2866234141849789e-07, 1.277253905177022e-07, 1.2679622598393964e-07,
    1.2587467110270511e-07, 1.2496055434952465e-07, 1.2405370917279868e-07,
    1.2315397378746125e-07, 1.2226119097880034e-07, 1.213752079158288e-07,
    1.2049587597363747e-07, 1.1962305056420077e-07, 1.1875659097514012e-07,
    1.178963602159834e-07, 1.1704222487148929e-07, 1.1619405496163276e-07,
    1.1535172380787439e-07, 1.1451510790535972e-07, 1.1368408680071754e-07,
    1.1285854297514604e-07, 1.1203836173249547e-07, 1.1122343109207317e-07,
    1.1041364168591351e-07, 1.0960888666027066e-07, 1.0880906158110613e-07,
    1.080140643433565e-07, 1.0722379508377853e-07, 1.0643815609718116e-07,
    1.0565705175586372e-07, 1.0488038843208994e-07, 1.0410807442343676e-07,
    1.0334001988086528e-07, 1.0257613673936934e-07, 1.0181633865106449e-07,
    1.0106054092058764e-07, 1.0030866044268332e-07, 9.9560615641859287e-08,
    9.8816326413999351e-08, 9.8075714069826808e-08, 9.7338701280116505e-08,
    9.6605212022558312e-08, 9.5875171530178675e-08, 9.5148506241231154e-08,
    9.4425143750470201e-08, 9.3705012761725753e-08, 9.2988043041699401e-08,
    9.2274165374905662e-08, 9.1563311519684307e-08, 9.0855414165212276e-08,
    9.0150406889445595e-08, 8.9448224117923768e-08, 8.8748801083370782e-08,
    8.8052073786028232e-08, 8.7357978954657622e-08, 8.6666454008149697e-08,
    8.5977437017679947e-08, 8.5290866669349638e-08, 8.4606682227252887e-08,
    8.3924823496910051e-08, 8.3245230789008241e-08, 8.2567844883389578e-08,
    8.1892606993227609e-08, 8.1219458729331884e-08, 8.0548342064519821e-08,
    7.9879199297994652e-08, 7.9211973019666453e-08, 7.8546606074352534e-08,
    7.788304152579152e-08, 7.7221222620403815e-08, 7.6561092750728884e-08,
    7.590259541846759e-08, 7.5245674197054823e-08, 7.4590272693684847e-08,
    7.3936334510708234e-08, 7.3283803206315583e-08, 7.2632622254418751e-08,
    7.1982735003635963e-08, 7.1334084635281747e-08, 7.0686614120257045e-08,
    7.0040266174728374e-08, 6.9394983214478442e-08, 6.8750707307802125e-08,
    6.8107380126814416e-08, 6.7464942897026463e-08, 6.6823336345036664e-08,
    6.6182500644171922e-08, 6.5542375357901916e-08, 6.4902899380835727e-08,
    6.4264010877095029e-08, 6.36256472158413e-08, 6.2987744903716557e-08,
    6.235023951393632e-08, 6.1713065611751615e-08, 6.107615667597162e-08,
    6.0439445016211101e-08, 5.9802861685496414e-08, 5.9166336387829569e-08,
    5.8529797380272338e-08, 5.7893171369070049e-08, 5.7256383399287883e-08,
    5.6619356737379827e-08, 5.5982012746051726e-08, 5.5344270750714014e-08,
    5.4706047896745502e-08, 5.4067258996706667e-08, 5.3427816366546792e-08,
    5.2787629649743575e-08, 5.2146605628193965e-08, 5.1504648018539259e-08,
    5.0861657252453209e-08, 5.0217530239246444e-08, 4.9572160108940236e-08,
    4.892543593373373e-08, 4.8277242425526324e-08, 4.7627459606855383e-08,
    4.6975962452262235e-08, 4.6322620496698051e-08, 4.5667297407116619e-08,
    4.5009850512861187e-08, 4.4350130289823339e-08, 4.3687979792616729e-08,
    4.302323402814608e-08, 4.2355719262937051e-08, 4.1685252255394019e-08,
    4.1011639402732169e-08, 4.0334675790639124e-08, 3.965414413170091e-08,
    3.8969813576201535e-08, 3.8281438375981869e-08, 3.7588756378501114e-08,
    3.6891487323932453e-08, 3.6189330912846375e-08, 3.5481964605540249e-08,
    3.4769041106031553e-08, 3.4050185473715603e-08, 3.3324991793128329e-08,
    3.2593019316393801e-08, 3.1853787972758183e-08, 3.1106773113735652e-08,
    3.0351399328926501e-08, 2.9587033123890853e-08, 2.8812974193898573e-08,
    2.8028444950709906e-08, 2.7232577856267734e-08, 2.6424399976346073e-08,
    2.5602813972557265e-08, 2.4766574478170691e-08, 2.3914258414285086e-08,
    2.304422723896028e-08, 2.2154578288192621e-08, 2.1243081108235981e-08,
    2.030709273009597e-08, 1.9343442739064101e-08, 1.8348273913558297e-08,
    1.7316815584375332e-08, 1.6243051617054074e-08, 1.5119216643924287e-08,
    1.393499869463894e-08, 1.2676209845004526e-08, 1.1322420216943788e-08,
    9.8423732855432218e-09, 8.1840146148213035e-09, 6.2488620022428143e-09,
    3.8058855423333338e-09,
};
static const double zig_f[257] = {
    0.00016706669230796389, 0.00045413435384149677, 0.00096726928232717454,
    0.0015362997803015724, 0.0021459677437189063, 0.0027887987935740761,
    0.003460264777836904, 0.0041572951208337953, 0.0048776559835423923,
    0.005619642207205483, 0.0063819059373191791, 0.0071633531836349839,
    0.00796307743801704, 0.0087803149858089753, 0.0096144136425022099,
    0.010464810181029979, 0.011331013597834597, 0.012212592426255381,
    0.013109164931254991, 0.014020391403181938, 0.014945968011691148,
    0.015885621839973163, 0.016839106826039948, 0.017806200410911362,
    0.01878670074469603, 0.019780424338009743, 0.020787204072578117,
    0.021806887504283581, 0.02283933540638524, 0.023884420511558171,
    0.024942026419731783, 0.026012046645134217, 0.0270943837809558,
    0.028188948763978636, 0.029295660224637393, 0.030414443910466604,
    0.031545232172893609, 0.032687963508959535, 0.03384258215087433,
    0.03500903769739741, 0.036187284781931423, 0.037377282772959361,
    0.038578995503074857, 0.039792391023374125, 0.041017441380414819,
    0.042254122413316234, 0.043502413568888183, 0.044762297732943282,
    0.04603376107617517, 0.047316792913181548, 0.048611385573379497,
    0.049917534282706372, 0.051235237055126281, 0.052564494593071692,
    0.053905310196046087, 0.055257689676697037, 0.056621641283742877,
    0.057997175631200659, 0.059384305633420266, 0.060783046445479633,
    0.062193415408540995, 0.063615431999807334, 0.065049117786753749,
    0.066494496385339774, 0.067951593421936601, 0.069420436498728755,
    0.070901055162371829, 0.072393480875708738, 0.073897746992364746,
    0.07541388873405841, 0.076941943170480503, 0.078481949201606421,
    0.080033947542319905, 0.081597980709237419, 0.083174093009632383,
    0.084762330532368119, 0.086362741140756913, 0.087975374467270218,
    0.089600281910032858, 0.091237516631040155, 0.092887133556043541,
    0.094549189376055859, 0.096223742550432798, 0.097910853311492199,
    0.099610583670637132, 0.10132299742595363, 0.10304816017125772,
    0.10478613930657017, 0.10653700405000166, 0.1083008254510338,
    0.11007767640518538, 0.1118676316700563, 0.11367076788274431,
    0.11548716357863353, 0.11731689921155557, 0.11916005717532768,
    0.12101672182667483, 0.12288697950954514, 0.12477091858083096,
    0.12666862943751067, 0.12858020454522817, 0.13050573846833077,
    0.13244532790138752, 0.13439907170221363, 0.13636707092642886,
    0.1383494288635802, 0.14034625107486245, 0.1423576454324722,
    0.14438372216063478, 0.14642459387834494, 0.14848037564386679,
    0.15055118500103989, 0.15263714202744286, 0.15473836938446808,
    0.15685499236936523, 0.15898713896931421, 0.16113493991759203,
    0.16329852875190182, 0.165478041874936, 0.16767361861725019,
    0.16988540130252766, 0.17211353531532006, 0.17435816917135349,
    0.17661945459049488, 0.17889754657247831, 0.18119260347549629,
    0.18350478709776746, 0.18583426276219711, 0.18818119940425432,
    0.19054576966319539, 0.19292814997677135, 0.19532852067956322,
    0.19774706610509887, 0.20018397469191127, 0.20263943909370902,
    0.20511365629383771, 0.20760682772422204, 0.21011915938898826,
    0.21265086199297828, 0.21520215107537868, 0.21777324714870053,
    0.22036437584335949, 0.22297576805812019, 0.22560766011668407,
    0.2282602939307167, 0.23093391716962741, 0.23362878343743335,
    0.23634515245705964, 0.23908329026244918, 0.24184346939887721,
    0.24462596913189211, 0.24743107566532763, 0.2502590823688623,
    0.25311029001562946, 0.25598500703041538, 0.25888354974901623,
    0.26180624268936298, 0.2647534188350622, 0.26772541993204479,
    0.27072259679906002, 0.27374530965280297, 0.27679392844851736,
    0.27986883323697292, 0.28297041453878075, 0.28609907373707683,
    0.28925522348967775, 0.29243928816189257, 0.2956517042812612,
    0.29889292101558179, 0.30216340067569353, 0.30546361924459026,
    0.30879406693456019, 0.31215524877417955, 0.31554768522712895,
    0.31897191284495724, 0.32242848495608917, 0.32591797239355619,
    0.32944096426413633, 0.33299806876180899, 0.33658991402867761,
    0.34021714906678002, 0.34388044470450241, 0.34758049462163698,
    0.35131801643748334, 0.35509375286678746, 0.35890847294874978,
    0.36276297335481777, 0.36665807978151416, 0.370594648435146,
    0.37457356761590216, 0.37859575940958079, 0.38266218149600983,
    0.38677382908413765, 0.39093173698479711, 0.39513698183329016,
    0.39939068447523107, 0.40369401253053028, 0.4080481831520324,
    0.41245446599716118, 0.41691418643300288, 0.42142872899761658,
    0.42599954114303434, 0.43062813728845883, 0.43531610321563657,
    0.4400651008423539, 0.44487687341454851, 0.449753251162755,
    0.4546961574746155, 0.45970761564213769, 0.46478975625042618,
    0.46994482528395998, 0.47517519303737737, 0.48048336393045421,
    0.48587198734188491, 0.49134386959403253, 0.49690198724154955,
    0.50254950184134772, 0.50828977641064288, 0.51412639381474856,
    0.5200631773682336, 0.52610421398361973, 0.53225388026304332,
    0.53851687200286191, 0.54489823767243961, 0.55140341654064129,
    0.55803828226258745, 0.56480919291240017, 0.57172304866482582,
    0.57878735860284503, 0.58601031847726803, 0.59340090169173343,
    0.60096896636523223, 0.60872538207962201, 0.61668218091520766,
    0.62485273870366598, 0.63325199421436607, 0.64189671642726609,
    0.6508058334145711, 0.6600008410789997, 0.66950631673192473,
    0.67935057226476536, 0.68956649611707799, 0.70019265508278816,
    0.71127476080507601, 0.72286765959357202, 0.73503809243142348,
    0.7478686219851951, 0.76146338884989628, 0.77595685204011555,
    0.79152763697249562, 0.80842165152300838, 0.82699329664305032,
    0.84778550062398961, 0.87170433238120359, 0.90046992992574648,
    0.9381436808621747, 1,
};

/* ---- helpers ---- */

static void dist_zero(des_dist *d)
{
    if (d)
        *d = (des_dist){ .kind = DES_DIST_CONSTANT };
}

/* Zero *d (if any) and report an invalid parameter. */
#define FAIL(...)                                                                              \
    do {                                                                                       \
        dist_zero(d);                                                                          \
        return des_error_set(err, DES_EINVAL, __VA_ARGS__);                                    \
    } while (0)

#define CHECK_D(dist)                                                                          \
    do {                                                                                       \
        if (!d)                                                                                \
            return des_error_set(err, DES_EINVAL, "%s distribution must not be null", dist);  \
    } while (0)

static int need_finite(des_dist *d, des_error *err, const char *dist, const char *name, double v)
{
    if (!isfinite(v))
        FAIL("%s '%s' must be finite, got %g", dist, name, v);
    return DES_OK;
}

static int need_positive(des_dist *d, des_error *err, const char *dist, const char *name,
                         double v)
{
    if (!isfinite(v))
        FAIL("%s '%s' must be finite, got %g", dist, name, v);
    if (!(v > 0))
        FAIL("%s '%s' must be positive, got %g", dist, name, v);
    return DES_OK;
}

static int need_range(des_dist *d, des_error *err, const char *dist, double min, double max)
{
    int rc;
    if ((rc = need_finite(d, err, dist, "min", min)) || (rc = need_finite(d, err, dist, "max", max)))
        return rc;
    if (!(min < max))
        FAIL("%s 'min' must be less than 'max', got %g and %g", dist, min, max);
    if (!isfinite(max - min))
        FAIL("%s range from 'min' %g to 'max' %g is too wide", dist, min, max);
    return DES_OK;
}

/* ---- constructors ---- */

int des_dist_constant(des_dist *d, double value, des_error *err)
{
    CHECK_D("constant");
    int rc = need_finite(d, err, "constant", "value", value);
    if (rc)
        return rc;
    dist_zero(d);
    d->a = value;
    return DES_OK;
}

int des_dist_exponential(des_dist *d, double mean, des_error *err)
{
    CHECK_D("exponential");
    int rc = need_positive(d, err, "exponential", "mean", mean);
    if (rc)
        return rc;
    dist_zero(d);
    d->kind = DES_DIST_EXPONENTIAL;
    d->a = mean;
    return DES_OK;
}

int des_dist_gamma(des_dist *d, double shape, double scale, des_error *err)
{
    CHECK_D("gamma");
    int rc;
    if ((rc = need_positive(d, err, "gamma", "shape", shape)) ||
        (rc = need_positive(d, err, "gamma", "scale", scale)))
        return rc;
    dist_zero(d);
    d->kind = DES_DIST_GAMMA;
    d->a = shape;
    d->b = scale;
    return DES_OK;
}

int des_dist_gamma_mean_sd(des_dist *d, double mean, double sd, des_error *err)
{
    CHECK_D("gamma");
    int rc;
    if ((rc = need_positive(d, err, "gamma", "mean", mean)) ||
        (rc = need_positive(d, err, "gamma", "sd", sd)))
        return rc;
    double ratio = mean / sd;
    double shape = ratio * ratio;     /* mean^2 / sd^2 */
    double scale = sd * (sd / mean);  /* sd^2 / mean */
    if (!isfinite(shape) || !(shape > 0) || !isfinite(scale) || !(scale > 0))
        FAIL("gamma 'mean' %g and 'sd' %g give an out-of-range shape %g and scale %g", mean, sd,
             shape, scale);
    dist_zero(d);
    d->kind = DES_DIST_GAMMA;
    d->a = shape;
    d->b = scale;
    return DES_OK;
}

int des_dist_lognormal_mean_sd(des_dist *d, double mean, double sd, des_error *err)
{
    CHECK_D("lognormal");
    int rc;
    if ((rc = need_positive(d, err, "lognormal", "mean", mean)) ||
        (rc = need_positive(d, err, "lognormal", "sd", sd)))
        return rc;
    double cv = sd / mean;
    double s2 = log1p(cv * cv); /* sigma^2 = ln(1 + sd^2 / mean^2) */
    if (!isfinite(s2) || !(s2 > 0))
        FAIL("lognormal 'mean' %g and 'sd' %g give an out-of-range sigma^2 %g", mean, sd, s2);
    dist_zero(d);
    d->kind = DES_DIST_LOGNORMAL;
    d->a = log(mean) - 0.5 * s2;
    d->b = sqrt(s2);
    return DES_OK;
}

int des_dist_weibull(des_dist *d, double scale, double shape, des_error *err)
{
    CHECK_D("weibull");
    int rc;
    if ((rc = need_positive(d, err, "weibull", "scale", scale)) ||
        (rc = need_positive(d, err, "weibull", "shape", shape)))
        return rc;
    dist_zero(d);
    d->kind = DES_DIST_WEIBULL;
    d->a = scale;
    d->b = shape;
    return DES_OK;
}

int des_dist_triangular(des_dist *d, double min, double mode, double max, des_error *err)
{
    CHECK_D("triangular");
    int rc;
    if ((rc = need_finite(d, err, "triangular", "mode", mode)) ||
        (rc = need_range(d, err, "triangular", min, max)))
        return rc;
    if (!(min <= mode && mode <= max))
        FAIL("triangular 'mode' must lie between 'min' %g and 'max' %g, got %g", min, max, mode);
    dist_zero(d);
    d->kind = DES_DIST_TRIANGULAR;
    d->a = min;
    d->b = mode;
    d->c = max;
    return DES_OK;
}

int des_dist_uniform(des_dist *d, double min, double max, des_error *err)
{
    CHECK_D("uniform");
    int rc = need_range(d, err, "uniform", min, max);
    if (rc)
        return rc;
    dist_zero(d);
    d->kind = DES_DIST_UNIFORM;
    d->a = min;
    d->b = max;
    return DES_OK;
}

static double *dup_array(const double *src, size_t len)
{
    double *p = malloc(len * sizeof *p);
    if (p)
        memcpy(p, src, len * sizeof *p);
    return p;
}

int des_dist_empirical(des_dist *d, const double *x, const double *cdf, size_t len,
                       des_error *err)
{
    CHECK_D("empirical");
    if (!x)
        FAIL("empirical 'x' must not be null");
    if (!cdf)
        FAIL("empirical 'cdf' must not be null");
    if (len < 2)
        FAIL("empirical table must have at least 2 points, got %zu", len);
    if (len > SIZE_MAX / sizeof(double))
        FAIL("empirical table of %zu points is too large", len);
    for (size_t i = 0; i < len; i++) {
        if (!isfinite(x[i]))
            FAIL("empirical 'x[%zu]' must be finite, got %g", i, x[i]);
        if (!isfinite(cdf[i]) || cdf[i] < 0 || cdf[i] > 1)
            FAIL("empirical 'cdf[%zu]' must lie in [0, 1], got %g", i, cdf[i]);
        if (i > 0 && !(x[i] > x[i - 1]))
            FAIL("empirical 'x' must be strictly increasing, got x[%zu] = %g after %g", i, x[i],
                 x[i - 1]);
        if (i > 0 && cdf[i] < cdf[i - 1])
            FAIL("empirical 'cdf' must be non-decreasing, got cdf[%zu] = %g after %g", i,
                 cdf[i], cdf[i - 1]);
    }
    if (cdf[0] != 0)
        FAIL("empirical 'cdf[0]' must be 0, got %g", cdf[0]);
    if (cdf[len - 1] != 1)
        FAIL("empirical 'cdf[%zu]' (the last) must be 1, got %.17g", len - 1, cdf[len - 1]);
    if (!isfinite(x[len - 1] - x[0]))
        FAIL("empirical range from 'x[0]' %g to 'x[%zu]' %g is too wide", x[0], len - 1,
             x[len - 1]);

    double *xs = dup_array(x, len), *cs = dup_array(cdf, len);
    if (!xs || !cs) {
        free(xs);
        free(cs);
        dist_zero(d);
        return des_error_set(err, DES_ENOMEM, "cannot allocate empirical table of %zu points",
                             len);
    }
    dist_zero(d);
    d->kind = DES_DIST_EMPIRICAL;
    d->len = len;
    d->x = xs;
    d->cdf = cs;
    return DES_OK;
}

int des_dist_discrete(des_dist *d, const double *values, const double *p, size_t len,
                      des_error *err)
{
    CHECK_D("discrete");
    if (!values)
        FAIL("discrete 'values' must not be null");
    if (!p)
        FAIL("discrete 'p' must not be null");
    if (len < 1)
        FAIL("discrete table must have at least 1 value, got 0");
    if (len > SIZE_MAX / sizeof(double))
        FAIL("discrete table of %zu values is too large", len);
    double pmax = 0;
    for (size_t i = 0; i < len; i++) {
        if (!isfinite(values[i]))
            FAIL("discrete 'values[%zu]' must be finite, got %g", i, values[i]);
        if (!isfinite(p[i]))
            FAIL("discrete 'p[%zu]' must be finite, got %g", i, p[i]);
        if (p[i] < 0)
            FAIL("discrete 'p[%zu]' must be non-negative, got %g", i, p[i]);
        if (p[i] > pmax)
            pmax = p[i];
    }
    if (!(pmax > 0))
        FAIL("discrete 'p' must have a positive sum");

    double *xs = dup_array(values, len), *ps = malloc(len * sizeof *ps);
    if (!xs || !ps) {
        free(xs);
        free(ps);
        dist_zero(d);
        return des_error_set(err, DES_ENOMEM, "cannot allocate discrete table of %zu values",
                             len);
    }
    /* Scale by the largest weight first so the sum cannot overflow (it lies in [1, len]). */
    double sum = 0;
    for (size_t i = 0; i < len; i++)
        sum += p[i] / pmax;
    for (size_t i = 0; i < len; i++)
        ps[i] = (p[i] / pmax) / sum;
    gsl_ran_discrete_t *table = gsl_ran_discrete_preproc(len, ps);
    if (!table) {
        free(xs);
        free(ps);
        dist_zero(d);
        return des_error_set(err, DES_ENOMEM, "cannot allocate discrete alias table of %zu values",
                             len);
    }
    dist_zero(d);
    d->kind = DES_DIST_DISCRETE;
    d->len = len;
    d->x = xs;
    d->cdf = ps;
    d->table = table;
    return DES_OK;
}

int des_dist_poisson(des_dist *d, double mean, des_error *err)
{
    CHECK_D("poisson");
    int rc = need_finite(d, err, "poisson", "mean", mean);
    if (rc)
        return rc;
    if (mean < 0)
        FAIL("poisson 'mean' must be non-negative, got %g", mean);
    if (mean > POISSON_MEAN_MAX)
        FAIL("poisson 'mean' must be at most %g, got %g", POISSON_MEAN_MAX, mean);
    dist_zero(d);
    d->kind = DES_DIST_POISSON;
    d->a = mean;
    return DES_OK;
}

int des_dist_binomial(des_dist *d, double p, unsigned n, des_error *err)
{
    CHECK_D("binomial");
    if (!(p >= 0 && p <= 1)) /* also rejects NaN */
        FAIL("binomial 'p' must lie in [0, 1], got %g", p);
    dist_zero(d);
    d->kind = DES_DIST_BINOMIAL;
    d->a = p;
    d->n = n;
    return DES_OK;
}

/* ---- ownership ---- */

void des_dist_free(des_dist *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->cdf);
    if (d->table)
        gsl_ran_discrete_free(d->table);
    dist_zero(d);
}

int des_dist_copy(des_dist *dst, const des_dist *src, des_error *err)
{
    if (!dst || !src)
        return des_error_set(err, DES_EINVAL, "distribution copy %s must not be null",
                             !dst ? "'dst'" : "'src'");
    if (dst == src)
        return DES_OK;
    des_dist t = *src;
    t.x = NULL;
    t.cdf = NULL;
    t.table = NULL;
    if (src->kind == DES_DIST_EMPIRICAL || src->kind == DES_DIST_DISCRETE) {
        if (!src->x || !src->cdf || src->len == 0 || (src->kind == DES_DIST_DISCRETE && !src->table)) {
            dist_zero(dst);
            return des_error_set(err, DES_EINVAL, "distribution copy 'src' has no table");
        }
        t.x = dup_array(src->x, src->len);
        t.cdf = dup_array(src->cdf, src->len);
        /* The alias table is a deterministic function of the stored probabilities, so the
         * copy samples exactly like the original. */
        if (t.x && t.cdf && src->kind == DES_DIST_DISCRETE)
            t.table = gsl_ran_discrete_preproc(t.len, t.cdf);
        if (!t.x || !t.cdf || (src->kind == DES_DIST_DISCRETE && !t.table)) {
            des_dist_free(&t);
            dist_zero(dst);
            return des_error_set(err, DES_ENOMEM, "cannot copy distribution table of %zu entries",
                                 src->len);
        }
    } else {
        t.len = 0;
    }
    *dst = t;
    return DES_OK;
}

/* ---- sampling ---- */

double des_exponential(gsl_rng *r, double mean)
{
    const gsl_rng_type *t = r->type;
    if (t->max == UINT32_MAX && t->min == 0) {
        for (;;) {
            uint32_t u = (uint32_t)t->get(r->state);
            unsigned i = u & 0xffu;
            uint32_t j = u >> 8;
            double x = ((double)j + 0.5) * zig_w[i];
            if (j < zig_k[i])
                return mean * x;
            if (i == 0) /* base layer: rectangle below exp(-r), else the tail beyond r */
                return mean * (x < ZIG_R ? x : ZIG_R - log(gsl_rng_uniform_pos(r)));
            if (zig_f[i] + gsl_rng_uniform(r) * (zig_f[i + 1] - zig_f[i]) < exp(-x))
                return mean * x;
        }
    }
    return -mean * log(gsl_rng_uniform_pos(r));
}

static double triangular_sample(const des_dist *d, gsl_rng *r)
{
    double lo = d->a, mode = d->b, hi = d->c, range = hi - lo;
    double u = gsl_rng_uniform(r);
    if (u * range < mode - lo) /* u < F(mode) */
        return lo + sqrt(u * range * (mode - lo));
    return hi - sqrt((1 - u) * range * (hi - mode));
}

static double empirical_sample(const des_dist *d, gsl_rng *r)
{
    const double *x = d->x, *cdf = d->cdf;
    double u = gsl_rng_uniform(r); /* [0, 1): cdf[0] = 0 <= u < 1 = cdf[len - 1] */
    size_t lo = 0, hi = d->len - 1;
    while (hi - lo > 1) { /* invariant: cdf[lo] <= u < cdf[hi] */
        size_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] <= u)
            lo = mid;
        else
            hi = mid;
    }
    /* Flat CDF segments are never chosen, so cdf[hi] > cdf[lo]. */
    return x[lo] + (u - cdf[lo]) / (cdf[hi] - cdf[lo]) * (x[hi] - x[lo]);
}

double des_dist_sample(const des_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case DES_DIST_CONSTANT:
        return d->a;
    case DES_DIST_EXPONENTIAL:
        return des_exponential(r, d->a);
    case DES_DIST_GAMMA:
        return gsl_ran_gamma(r, d->a, d->b);
    case DES_DIST_LOGNORMAL:
        /* GSL's ziggurat normal is several times cheaper than the polar method behind
         * gsl_ran_lognormal, and exact in distribution */
        return exp(d->a + d->b * gsl_ran_gaussian_ziggurat(r, 1.0));
    case DES_DIST_WEIBULL:
        return gsl_ran_weibull(r, d->a, d->b);
    case DES_DIST_TRIANGULAR:
        return triangular_sample(d, r);
    case DES_DIST_UNIFORM:
        return gsl_ran_flat(r, d->a, d->b);
    case DES_DIST_EMPIRICAL:
        return empirical_sample(d, r);
    case DES_DIST_DISCRETE:
        return d->x[gsl_ran_discrete(r, d->table)];
    case DES_DIST_POISSON:
        return (double)gsl_ran_poisson(r, d->a);
    case DES_DIST_BINOMIAL:
        return (double)gsl_ran_binomial(r, d->a, d->n);
    }
    return NAN;
}

/* ---- moments ---- */

double des_dist_mean(const des_dist *d)
{
    switch (d->kind) {
    case DES_DIST_CONSTANT:
    case DES_DIST_EXPONENTIAL:
    case DES_DIST_POISSON:
        return d->a;
    case DES_DIST_GAMMA:
        return d->a * d->b;
    case DES_DIST_LOGNORMAL:
        return exp(d->a + 0.5 * d->b * d->b);
    case DES_DIST_WEIBULL:
        return d->a * tgamma(1 + 1 / d->b);
    case DES_DIST_TRIANGULAR:
        return d->a + ((d->b - d->a) + (d->c - d->a)) / 3;
    case DES_DIST_UNIFORM:
        return d->a + 0.5 * (d->b - d->a);
    case DES_DIST_EMPIRICAL: {
        /* Uniform density on each segment: E[X] = sum p_i (x_i + x_{i+1}) / 2. */
        double m = 0;
        for (size_t i = 0; i + 1 < d->len; i++)
            m += (d->cdf[i + 1] - d->cdf[i]) * 0.5 * (d->x[i] + d->x[i + 1]);
        return m;
    }
    case DES_DIST_DISCRETE: {
        double m = 0;
        for (size_t i = 0; i < d->len; i++)
            m += d->cdf[i] * d->x[i];
        return m;
    }
    case DES_DIST_BINOMIAL:
        return d->n * d->a;
    }
    return NAN;
}

double des_dist_var(const des_dist *d)
{
    switch (d->kind) {
    case DES_DIST_CONSTANT:
        return 0;
    case DES_DIST_EXPONENTIAL:
        return d->a * d->a;
    case DES_DIST_POISSON:
        return d->a;
    case DES_DIST_GAMMA:
        return d->a * d->b * d->b;
    case DES_DIST_LOGNORMAL: {
        double s2 = d->b * d->b;
        return expm1(s2) * exp(2 * d->a + s2);
    }
    case DES_DIST_WEIBULL: {
        /* scale^2 (G(1 + 2/k) - G(1 + 1/k)^2), written to avoid cancellation for large k. */
        int sign;
        double k = d->b, g1 = tgamma(1 + 1 / k);
        double dl = lgamma_r(1 + 2 / k, &sign) - 2 * lgamma_r(1 + 1 / k, &sign);
        return d->a * d->a * g1 * g1 * expm1(dl);
    }
    case DES_DIST_TRIANGULAR: {
        double m = d->b - d->a, n = d->c - d->a; /* shifted to min = 0 */
        return (m * m + n * n - m * n) / 18;
    }
    case DES_DIST_UNIFORM: {
        double w = d->b - d->a;
        return w * w / 12;
    }
    case DES_DIST_EMPIRICAL: {
        /* Law of total variance over the segments: each is uniform with width w_i. */
        double m = des_dist_mean(d), v = 0;
        for (size_t i = 0; i + 1 < d->len; i++) {
            double p = d->cdf[i + 1] - d->cdf[i], w = d->x[i + 1] - d->x[i];
            double c = 0.5 * (d->x[i] + d->x[i + 1]) - m;
            v += p * (c * c + w * w / 12);
        }
        return v;
    }
    case DES_DIST_DISCRETE: {
        double m = des_dist_mean(d), v = 0;
        for (size_t i = 0; i < d->len; i++)
            v += d->cdf[i] * (d->x[i] - m) * (d->x[i] - m);
        return v;
    }
    case DES_DIST_BINOMIAL:
        return d->n * d->a * (1 - d->a);
    }
    return NAN;
}
